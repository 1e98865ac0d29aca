"""The retrospective pages."""

from django.urls import path

from .views import report, review

R = "incidents/<int:pk>/retrospective/"

urlpatterns = [
    path(R, review.retrospective_detail, name="retrospective"),
    path(f"{R}start/", review.retrospective_start, name="retrospective_start"),
    path(f"{R}review/", review.review_edit, name="retrospective_review"),
    path(f"{R}report/edit/", review.report_edit, name="retrospective_report_edit"),
    path(f"{R}causes/new/", review.root_cause_edit, name="retrospective_cause_new"),
    path(f"{R}causes/<int:cause_pk>/", review.root_cause_edit, name="retrospective_cause"),
    path(
        f"{R}causes/<int:cause_pk>/remove/",
        review.root_cause_remove,
        name="retrospective_cause_remove",
    ),
    path(f"{R}timeline/<int:event_pk>/", review.timeline_note, name="retrospective_note"),
    path(f"{R}timeline/new/", review.timeline_line_edit, name="retrospective_line_new"),
    path(f"{R}lines/<int:line_pk>/", review.timeline_line_edit, name="retrospective_line"),
    path(f"{R}improvements/new/", review.improvement_create, name="retrospective_improvement"),
    path(f"{R}close/", review.retrospective_close, name="retrospective_close"),
    # The client report: the preview, publishing, the print page and the PDF.
    path(f"{R}report/", report.report_preview, name="retrospective_report"),
    path(f"{R}report/publish/", report.report_publish, name="retrospective_report_publish"),
    path(f"{R}report/print/", report.report_print, name="retrospective_report_print"),
    path(f"{R}report/report.pdf", report.report_pdf, name="retrospective_report_pdf"),
]
