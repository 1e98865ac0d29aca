"""Writes of users and their profiles: preferences, PMO rights, invitations, passwords."""

import uuid
from datetime import datetime, timedelta

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.events.services import Actor, event_record, record_changes, snapshot

from .emails import queue_account_email, user_link
from .models import Profile
from .selectors import lead_count, user_is_pmo, user_is_pmo_lead, users_for_password_reset
from .tokens import invitation_tokens, reset_tokens

PROFILE_FIELDS = ("language", "time_zone", "is_pmo", "is_pmo_lead")


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
    is_pmo_lead: bool | None = None,
) -> Profile:
    """Change a user's language and time zone (their own, or an admin's doing).

    ``is_pmo`` and ``is_pmo_lead`` grant or withdraw PMO staff and PMO lead
    rights: who did it is on the record. A lead is always PMO staff.
    """
    profile = Profile.objects.select_for_update().get(pk=profile_ensure(user=user).pk)
    before = snapshot(profile, PROFILE_FIELDS)
    profile.time_zone = time_zone
    profile.language = language
    if is_pmo is not None:
        profile.is_pmo = is_pmo
    if is_pmo_lead is not None:
        profile.is_pmo_lead = is_pmo_lead
    if profile.is_pmo_lead:
        profile.is_pmo = True
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


@transaction.atomic
def profile_set_pmo(
    *, user: AbstractBaseUser, actor: AbstractBaseUser, is_pmo: bool, is_pmo_lead: bool
) -> Profile:
    """A PMO lead grants or withdraws PMO staff and PMO lead rights.

    A lead is PMO staff: granting lead rights grants both. The last lead keeps
    their rights: there is always someone who can grant them. Lead profiles
    are locked while they are counted, so two leads who withdraw each other
    at once cannot leave none.
    """
    if not user_is_pmo_lead(actor):
        raise PermissionDenied
    is_pmo = is_pmo or is_pmo_lead
    profile = profile_ensure(user=user)
    list(Profile.objects.select_for_update().filter(is_pmo_lead=True).values_list("pk"))
    profile.refresh_from_db()
    if profile.is_pmo_lead and not is_pmo_lead and not user.is_superuser and lead_count() <= 1:
        if user.pk == actor.pk:
            message = _("You are the last PMO lead: make someone else a lead first.")
        else:
            message = _("%(name)s is the last PMO lead: make someone else a lead first.") % {
                "name": user.get_full_name() or user.get_username()
            }
        raise ValidationError(message)
    return profile_update(
        user=user,
        actor=actor,
        time_zone=profile.time_zone,
        language=profile.language,
        is_pmo=is_pmo,
        is_pmo_lead=is_pmo_lead,
    )


# --- invitations ---------------------------------------------------------------


def _check_unique(*, email: str, username: str) -> None:
    User = get_user_model()
    errors = {}
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("Someone with this e-mail address is already in Candor.")
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This login is already taken.")
    if errors:
        raise ValidationError(errors)


def _send_invitation(*, user: AbstractBaseUser, invited_by: AbstractBaseUser, key: str, now):
    queue_account_email(
        key=key,
        user=user,
        template="invitation",
        context={
            "link": user_link("join", user, invitation_tokens.make_token(user)),
            "invited_by": invited_by.get_full_name() or invited_by.get_username(),
            "expires_at": now + timedelta(seconds=invitation_tokens.timeout),
        },
        now=now,
    )


def user_invite(
    *,
    actor: AbstractBaseUser,
    first_name: str,
    last_name: str,
    email: str,
    username: str,
    language: str,
    time_zone: str,
    now: datetime | None = None,
) -> AbstractBaseUser:
    """PMO staff invite someone: a user who cannot log in yet, and an e-mail with a link.

    Steps: refuse a taken e-mail or login; create the user with an unusable
    password and their profile; record ``user.invited``; queue the e-mail in
    the invitee's language, in the same transaction.
    """
    if not user_is_pmo(actor):
        raise PermissionDenied
    now = now or timezone.now()
    email = get_user_model().objects.normalize_email(email).strip()
    _check_unique(email=email, username=username)
    try:
        with transaction.atomic():
            user = get_user_model()(
                username=username, email=email, first_name=first_name, last_name=last_name
            )
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
            profile = Profile(user=user, language=language, time_zone=time_zone, invited_at=now)
            profile.full_clean()
            profile.save()
            event = event_record(
                actor=actor,
                verb="user.invited",
                obj=user,
                data={
                    "user": user,
                    "username": username,
                    "email": email,
                    "language": language,
                    "time_zone": time_zone,
                },
                now=now,
            )
            _send_invitation(user=user, invited_by=actor, key=f"invitation:{event.pk}", now=now)
    except IntegrityError:
        # Someone took the login between the check and the insert.
        raise ValidationError({"username": _("This login is already taken.")}) from None
    return user


@transaction.atomic
def user_invite_again(
    *, actor: AbstractBaseUser, user: AbstractBaseUser, now: datetime | None = None
) -> AbstractBaseUser:
    """A new invitation link for someone who has not set a password; the old link stops working."""
    if not user_is_pmo(actor):
        raise PermissionDenied
    now = now or timezone.now()
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.has_usable_password():
        raise ValidationError(
            _("%(name)s has already set a password: they can reset it from the login page.")
            % {"name": user.get_full_name() or user.get_username()}
        )
    if not user.is_active:
        raise ValidationError(_("This user is deactivated: an administrator can reactivate them."))
    # A new unusable password changes what the links hash: every earlier link stops working.
    user.set_unusable_password()
    user.save(update_fields=["password"])
    profile = profile_ensure(user=user)
    profile.invited_at = now
    profile.save(update_fields=["invited_at"])
    event = event_record(
        actor=actor,
        verb="user.invited_again",
        obj=user,
        data={"user": user, "email": user.email},
        now=now,
    )
    _send_invitation(user=user, invited_by=actor, key=f"invitation:{event.pk}", now=now)
    return user


# --- passwords -------------------------------------------------------------------


def password_reset_request(*, email: str, now: datetime | None = None) -> None:
    """E-mail a reset link to each user who may reset their password at ``email``.

    Nothing tells the caller whether anyone got one: the page that follows is
    the same for a known and an unknown address. Only delivery follows, so
    no event is recorded; setting the new password records one.
    """
    now = now or timezone.now()
    with transaction.atomic():
        for user in users_for_password_reset(email):
            link = user_link("password_reset_confirm", user, reset_tokens.make_token(user))
            queue_account_email(
                key=f"password-reset:{user.pk}:{uuid.uuid4().hex}",
                user=user,
                template="password_reset",
                context={
                    "link": link,
                    "expires_at": now + timedelta(seconds=reset_tokens.timeout),
                },
                now=now,
            )


def _set_password(*, user: AbstractBaseUser, password: str, verb: str) -> AbstractBaseUser:
    user.set_password(password)
    user.save(update_fields=["password"])
    event_record(actor=user, verb=verb, obj=user, data={"user": user})
    # Whoever was locked out by wrong passwords has now proved who they are.
    axes_reset(username=user.get_username())
    return user


@transaction.atomic
def user_join(*, user: AbstractBaseUser, password: str) -> AbstractBaseUser:
    """The invited user sets their password with the invitation's link (which it then spends)."""
    return _set_password(user=user, password=password, verb="user.joined")


@transaction.atomic
def user_password_reset(*, user: AbstractBaseUser, password: str) -> AbstractBaseUser:
    """The user sets a new password with a reset link; their login lockouts are lifted."""
    return _set_password(user=user, password=password, verb="user.password_reset")
