from django.shortcuts import render

from cloudfactory.errors import DomainError, NotFound


class DomainErrorMiddleware:
    """A DomainError no view caught becomes a 404 or 409 page with its sentence."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        status = 404 if isinstance(exception, NotFound) else 409
        return render(
            request, "web/error.html", {"message": str(exception)}, status=status
        )
