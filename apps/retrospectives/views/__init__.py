"""The retrospective's pages: the review (``review``) and the client report (``report``)."""
