"""What the status page gives the apps below it: each client contact's own link."""

from apps.communications.pages import CLIENT_LINK

from .services import link_for_contact


def client_link(*, contact, incident, actor, now, **kwargs) -> dict:
    return {
        "status_url": link_for_contact(contact=contact, incident=incident, actor=actor, now=now)
    }


def connect() -> None:
    CLIENT_LINK.fill(client_link)
