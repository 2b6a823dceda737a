from .staging import apply_due_staged_edits


class ScheduledChangesMiddleware:
    """Put scheduled pending changes live on the first request after their time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        apply_due_staged_edits()
        return self.get_response(request)
