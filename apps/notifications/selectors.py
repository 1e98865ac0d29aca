"""Reads of a user's notifications."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification


def notifications_for_user(user: AbstractBaseUser) -> QuerySet[Notification]:
    """The user's inbox, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_notification_count(user: AbstractBaseUser) -> int:
    """One query on the partial index of unread notifications."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def get_notification_for_user(user: AbstractBaseUser, pk: int) -> Notification:
    """Someone else's notification is a 404, like one that does not exist."""
    return get_object_or_404(Notification, user=user, pk=pk)
