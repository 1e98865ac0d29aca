"""Writes of user profiles."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from apps.events.services import Actor, record_changes, snapshot

from .models import Profile

PROFILE_FIELDS = ("language", "time_zone", "is_pmo")


@transaction.atomic
def profile_ensure(*, user: AbstractBaseUser) -> Profile:
    """The user's profile, created with the defaults if they have none yet.

    Filling in a default is no change anyone made: it writes no event.
    """
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(
    *,
    user: AbstractBaseUser,
    actor: Actor,
    time_zone: str,
    language: str,
    is_pmo: bool | None = None,
) -> Profile:
    """Change a user's language and time zone (their own, or an admin's doing).

    ``is_pmo`` grants or withdraws PMO staff rights: who did it is on the record.
    """
    profile = Profile.objects.select_for_update().get(pk=profile_ensure(user=user).pk)
    before = snapshot(profile, PROFILE_FIELDS)
    profile.time_zone = time_zone
    profile.language = language
    if is_pmo is not None:
        profile.is_pmo = is_pmo
    profile.full_clean()
    profile.save(update_fields=list(PROFILE_FIELDS))
    record_changes(
        actor=actor,
        verb="profile.updated",
        obj=profile,
        before=before,
        fields=PROFILE_FIELDS,
        data={"user": user},
    )
    return profile
