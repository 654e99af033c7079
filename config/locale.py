"""Chinese first (X4): the interface is zh-hans unless the user picked another language."""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Like Django's, but a browser's Accept-Language does not override the portal's default.

    Staff on English-language systems still get Chinese until they press the language switch,
    whose choice is kept in the language cookie. The API (issue 14) is the exception: a system or a phone
    has no language switch, so there the Accept-Language header chooses (Chinese when it names neither).
    """

    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES) and request.path_info.startswith("/api/") \
                and request.META.get("HTTP_ACCEPT_LANGUAGE"):
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
