from django.core.management.base import BaseCommand, CommandError

from apps.cases.services import BATCH_SIZE, case_index_rebuild


class Command(BaseCommand):
    help = "Put every closed incident in the case library again, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, batch_size: int, verbosity: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")

        def progress(done: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"{done} cases indexed…")

        done = case_index_rebuild(batch_size=batch_size, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{done} cases indexed."))
