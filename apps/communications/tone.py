"""The tone check on an update's texts, for the update form and the publish confirmation.

The check warns and never blocks: the PM reads what it found, dismisses a
finding with a reason or rewrites, and decides. The project's switched-off
rules and the incident's dismissals apply (``apps.tone.reading``).
"""

from apps.tone.reading import ToneReading, tone_readings
from apps.tone.subjects import subject_texts

#: The id of the update form: the tone check's buttons belong to it.
UPDATE_FORM_ID = "update-form"


def update_tone(incident, texts, *, max_chars: int) -> list[ToneReading]:
    """The readings of an update's written texts that found something, English first.

    ``texts`` maps the update's columns (``body_en``, ``body_zh_hans``) to the
    texts; an empty one is not checked, nor one longer than ``max_chars`` (the
    form already says it is too long).
    """
    return tone_readings(
        subject_texts("update", texts, incident=incident), incident=incident, max_chars=max_chars
    )
