from django.contrib.auth.models import AbstractBaseUser

from .models import Profile


def profile_for(user: AbstractBaseUser) -> Profile | None:
    """The user's profile, or ``None`` for anonymous users and users without one."""
    if not user.is_authenticated:
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def user_is_pmo(user: AbstractBaseUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    profile = profile_for(user)
    return bool(profile and profile.is_pmo)
