from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .models import Profile


@transaction.atomic
def profile_ensure(*, user: AbstractBaseUser) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(*, user: AbstractBaseUser, time_zone: str, language: str) -> Profile:
    profile = profile_ensure(user=user)
    profile.time_zone = time_zone
    profile.language = language
    profile.full_clean()
    profile.save(update_fields=["time_zone", "language"])
    return profile
