import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Profile


def profile_for(user: AbstractBaseUser) -> Profile | None:
    """The user's profile, or ``None`` for anonymous users and users without one."""
    if not user.is_authenticated:
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def language_of(user: AbstractBaseUser) -> str:
    """The language the user reads Candor in: their profile's, else the site's."""
    profile = profile_for(user)
    return profile.language if profile else settings.LANGUAGE_CODE


def user_is_pmo(user: AbstractBaseUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    profile = profile_for(user)
    return bool(profile and profile.is_pmo)


def user_is_pmo_lead(user: AbstractBaseUser) -> bool:
    """PMO leads grant and withdraw PMO rights; superusers are leads too."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    profile = profile_for(user)
    return bool(profile and profile.is_pmo_lead)


def lead_count() -> int:
    """How many active users are PMO leads (superusers count)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(profile__is_pmo_lead=True))
        .count()
    )


class PersonState(models.TextChoices):
    ACTIVE = "active", _("Active")
    INVITED = "invited", _("Invited")
    INVITATION_EXPIRED = "invitation_expired", _("Invitation expired")
    #: Neither invited nor able to log in: made in the admin without a password.
    NO_PASSWORD = "no_password", _("No password yet")
    DEACTIVATED = "deactivated", _("Deactivated")


@dataclass(frozen=True)
class Person:
    user: AbstractBaseUser
    is_pmo: bool
    is_pmo_lead: bool
    state: PersonState
    invited_at: datetime | None

    @property
    def can_be_invited_again(self) -> bool:
        return self.state in (
            PersonState.INVITED,
            PersonState.INVITATION_EXPIRED,
            PersonState.NO_PASSWORD,
        )


def person_state(user: AbstractBaseUser, profile: Profile | None, now: datetime) -> PersonState:
    if not user.is_active:
        return PersonState.DEACTIVATED
    if user.has_usable_password():
        return PersonState.ACTIVE
    invited_at = profile.invited_at if profile else None
    if invited_at is None:
        return PersonState.NO_PASSWORD
    if now - invited_at > timedelta(days=settings.INVITATION_TIMEOUT_DAYS):
        return PersonState.INVITATION_EXPIRED
    return PersonState.INVITED


def people_list(*, now: datetime | None = None) -> list[Person]:
    """Every user with their PMO rights and whether they can log in yet: one query."""
    now = now or timezone.now()
    people = []
    users = (
        get_user_model()
        .objects.select_related("profile")
        .order_by("last_name", "first_name", "username")
    )
    for user in users:
        profile = profile_for(user)
        people.append(
            Person(
                user=user,
                is_pmo=user.is_superuser or bool(profile and profile.is_pmo),
                is_pmo_lead=user.is_superuser or bool(profile and profile.is_pmo_lead),
                state=person_state(user, profile, now),
                invited_at=profile.invited_at if profile else None,
            )
        )
    return people


def pmo_staff_to_ask(*, limit: int = 3) -> list[str]:
    """The full names of up to ``limit`` PMO staff who can log in, for "ask one of them"."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(profile__is_pmo=True) | Q(is_superuser=True))
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .order_by("-profile__is_pmo", "last_name", "first_name", "username")[:limit]
    )
    return [user.get_full_name() or user.get_username() for user in users]


def users_for_password_reset(email: str) -> list[AbstractBaseUser]:
    """Who may reset their password by e-mail at ``email``: active users who have set one.

    An invited user who has not set a password yet gets no reset link: PMO
    staff invite them again. Like Django's own form, the address is compared
    case-insensitively and after Unicode normalisation.
    """
    wanted = unicodedata.normalize("NFKC", email).casefold()
    return [
        user
        for user in get_user_model().objects.filter(email__iexact=email, is_active=True)
        if user.has_usable_password()
        and unicodedata.normalize("NFKC", user.email).casefold() == wanted
    ]
