"""The links of invitations and password resets: single use, and expiring.

Both hash the user's password (and last login) with Django's
``PasswordResetTokenGenerator``: setting a password changes the hash, so a
link works once. Their salts differ, so a reset link never opens an
invitation, nor the other way round; each has its own timeout.
"""

from enum import StrEnum

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class TokenState(StrEnum):
    VALID = "valid"
    #: The link was right, but is older than the timeout.
    EXPIRED = "expired"
    #: Used (the password has changed since), replaced by a newer one, or never issued.
    INVALID = "invalid"


class _ExpiringTokenGenerator(PasswordResetTokenGenerator):
    """A token generator that can tell an expired link from a used or wrong one."""

    @property
    def timeout(self) -> int:
        """How long a link works, in seconds."""
        return settings.PASSWORD_RESET_TIMEOUT

    def state(self, user, token: str) -> TokenState:
        if not (user and token) or token.count("-") != 1:
            return TokenState.INVALID
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return TokenState.INVALID
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return TokenState.INVALID
        if self._num_seconds(self._now()) - timestamp > self.timeout:
            return TokenState.EXPIRED
        return TokenState.VALID

    def check_token(self, user, token) -> bool:
        return self.state(user, token) is TokenState.VALID


class InvitationTokenGenerator(_ExpiringTokenGenerator):
    key_salt = "apps.accounts.tokens.InvitationTokenGenerator"

    @property
    def timeout(self) -> int:
        return settings.INVITATION_TIMEOUT_DAYS * 24 * 3600


class ResetTokenGenerator(_ExpiringTokenGenerator):
    key_salt = "apps.accounts.tokens.ResetTokenGenerator"


invitation_tokens = InvitationTokenGenerator()
reset_tokens = ResetTokenGenerator()
