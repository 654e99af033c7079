"""Nothing is stored twice (issue 11, item 3; R2.2: a study session posted twice counted twice toward the
minimum): a create form carries a one-time token (``{% form_once %}``); its view (``@web.forms.form_once``)
claims the token in the transaction that saves, so a double click or a re-sent form saves nothing more and
is sent to the record the first submission saved, with a message.

The helpers at the top are shared with the per-form tests (``tests/*/test_form_once_*.py``)."""
from __future__ import annotations

import datetime
import html
import re
import uuid

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse, HttpResponseRedirect
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from campaign.errors import CampaignError
from units.models import Cadre
from web.forms import FORM_ONCE, claim_once, form_once, form_submissions_purge, submit
from web.models import FormSubmission

ALREADY = "此表单已提交过，以下是已保存的记录。"
ALREADY_NO_RECORD = "此表单已提交过。"

_POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>.*?</form>", re.S | re.I)
_TOKEN_INPUT = re.compile(r"<input\b[^>]*\bname=\"form_once\"[^>]*>", re.I)


# --- helpers shared with the per-form tests


def token_of(response) -> str:
    """The one-time token of the page's POST form, as a browser sends it: a hidden input *inside* a
    ``<form method="post">`` (a token outside the form would never be posted)."""
    assert response.status_code == 200, response.status_code
    for form in _POST_FORM.findall(response.content.decode()):
        found = _TOKEN_INPUT.search(form)
        if found:
            assert 'type="hidden"' in found.group(0)
            value = re.search(r"value=\"([^\"]+)\"", found.group(0)).group(1)
            return str(uuid.UUID(value))
    raise AssertionError("the page's POST form carries no form_once token")


def shown_text(response, msgid: str) -> str:
    """``msgid`` as the page shows it: in the page's language, HTML-escaped."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return html.escape(translation.gettext(msgid), quote=False)


def assert_second_shows_the_first(client, first, second) -> None:
    """The first POST saved and led to its record; the second went to the same page, which says why."""
    assert first.status_code == 302, getattr(first, "context", None) and first.context["form"].errors
    assert second.status_code == 302 and second.url == first.url
    page = client.get(second.url)
    assert page.status_code == 200
    assert shown_text(page, ALREADY) in page.content.decode()


def post_twice(client, url: str, data, *, page: str | None = None):
    """Open the form (``page``, default ``url``), then POST ``data`` (a dict, or a callable giving one: files
    are read once) twice with the page's token, as a double click does. Returns (token, first, second)."""
    token = token_of(client.get(page or url))
    fresh = data if callable(data) else (lambda: dict(data))
    first = client.post(url, {**fresh(), FORM_ONCE: token})
    second = client.post(url, {**fresh(), FORM_ONCE: token})
    return token, first, second


def refuse_if_called(monkeypatch, module, name: str) -> list:
    """Replace ``module.name`` (a service) by one that records the call; a test asserts it stayed empty."""
    calls: list = []
    monkeypatch.setattr(module, name, lambda *a, **kw: calls.append((a, kw)))
    return calls


# --- the toolkit itself, on a small create view


class _NameForm(forms.Form):
    name = forms.CharField(max_length=30)


def _record_cadre(unit, name: str) -> Cadre:
    """A stand-in create service: atomic, and refusing (domain error) the name "退回"."""
    from django.db import transaction

    with transaction.atomic():
        cadre = Cadre.objects.create(unit=unit, name=name, post="科员")
        if name == "退回":
            raise CampaignError("refused")
        return cadre


def _create_view(unit):
    @form_once
    def view(request):
        form = _NameForm(request.POST or None)
        if cadre := submit(request, form, lambda d: _record_cadre(unit, d["name"])):
            return HttpResponseRedirect(f"/cadres/{cadre.pk}/")
        return HttpResponse("form shown again", status=200)

    return view


def _request(user, data=None, method="post"):
    factory = RequestFactory()
    request = factory.post("/cadres/add/", data or {}) if method == "post" else factory.get("/cadres/add/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


def test_r2_2_the_tag_renders_a_fresh_hidden_token_each_time():
    """R2.2: ``{% form_once %}`` is a hidden input with a new UUID at every rendering of the form."""
    template = Template("{% load web %}<form method=\"post\">{% form_once %}</form>")
    first, second = template.render(Context()), template.render(Context())
    tokens = [re.search(r'name="form_once" value="([^"]+)"', page).group(1) for page in (first, second)]
    assert 'type="hidden"' in first
    assert uuid.UUID(tokens[0]) and uuid.UUID(tokens[1]) and tokens[0] != tokens[1]


def test_r2_2_the_tag_puts_the_token_inside_the_form_crispy_writes():
    """R2.2: ``{% form_once form %}`` before ``{% crispy form %}`` puts the input inside crispy's <form>,
    without touching a helper other forms share."""
    from crispy_forms.helper import FormHelper
    from crispy_forms.layout import Submit

    shared = FormHelper()
    shared.add_input(Submit("submit", "Save"))

    class SharedHelperForm(_NameForm):
        helper = shared

    template = Template("{% load web crispy_forms_tags %}{% form_once form %}{% crispy form %}")
    page = template.render(Context({"form": SharedHelperForm()}))
    form_html = _POST_FORM.search(page).group(0)
    assert 'name="form_once"' in form_html and 'type="hidden"' in form_html
    assert 'name="submit"' in form_html  # the form keeps its own buttons
    assert [i.name for i in shared.inputs] == ["submit"]  # the class's helper is unchanged
    again = template.render(Context({"form": SharedHelperForm()}))
    assert again.count('name="form_once"') == 1


def test_r2_2_a_second_post_of_the_token_saves_nothing_and_goes_where_the_first_went(tree, users):
    """R2.2: the same token twice: one record; the second answer is the first one's page, with a message."""
    view, token = _create_view(tree.county_a), str(uuid.uuid4())
    first = view(_request(users["county_office"], {"name": "甲", FORM_ONCE: token}))
    again = _request(users["county_office"], {"name": "甲", FORM_ONCE: token})
    second = view(again)
    cadre = Cadre.objects.get(name="甲")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/cadres/{cadre.pk}/"
    assert _messages(again) == [ALREADY]
    assert FormSubmission.objects.get(token=token).result_url == f"/cadres/{cadre.pk}/"


def test_r2_2_without_a_token_a_post_runs_as_before(tree, users):
    """R2.2: a POST without the token (an API client, an older page) is not changed: each one saves."""
    view = _create_view(tree.county_a)
    for _ in range(2):
        assert view(_request(users["county_office"], {"name": "乙"})).status_code == 302
    assert Cadre.objects.filter(name="乙").count() == 2
    assert not FormSubmission.objects.exists()
    # a value that is no token of ours is no token either
    assert view(_request(users["county_office"], {"name": "乙", FORM_ONCE: "x"})).status_code == 302
    assert Cadre.objects.filter(name="乙").count() == 3


def test_r2_2_invalid_data_or_a_refusal_do_not_use_up_the_token(tree, users):
    """R2.2: the form shown again (invalid data, a domain error) leaves the token free: the corrected form,
    sent with the same token, saves; nothing of the refused attempt is kept."""
    view, token = _create_view(tree.county_a), str(uuid.uuid4())
    assert view(_request(users["county_office"], {"name": "", FORM_ONCE: token})).status_code == 200
    assert view(_request(users["county_office"], {"name": "退回", FORM_ONCE: token})).status_code == 200
    assert not FormSubmission.objects.exists() and not Cadre.objects.filter(name="退回").exists()
    assert view(_request(users["county_office"], {"name": "丙", FORM_ONCE: token})).status_code == 302
    assert Cadre.objects.filter(name="丙").count() == 1 and FormSubmission.objects.count() == 1


def test_r2_2_a_token_claimed_by_a_running_submission_runs_nothing(tree, users, monkeypatch):
    """R2.2: a token already claimed (its first submission still saving, so no page yet) runs neither the
    view nor the service; the user is told and sent back to the empty form."""
    token = uuid.uuid4()
    FormSubmission.objects.create(token=token, user=users["county_office"])
    ran = []
    view = form_once(lambda request: ran.append(request) or HttpResponseRedirect("/saved/"))
    request = _request(users["county_office"], {"name": "丁", FORM_ONCE: str(token)})
    response = view(request)
    assert ran == [] and response.status_code == 302 and response["Location"] == "/cadres/add/"
    assert _messages(request) == [ALREADY_NO_RECORD]


def test_r2_2_another_users_token_does_not_lead_to_their_record(tree, users):
    """R2.2: a token claimed by someone else saves nothing and shows nothing of theirs."""
    view, token = _create_view(tree.county_a), str(uuid.uuid4())
    view(_request(users["county_office"], {"name": "戊", FORM_ONCE: token}))
    response = view(_request(users["city_office"], {"name": "戊", FORM_ONCE: token}))
    assert response["Location"] == "/cadres/add/"
    assert Cadre.objects.filter(name="戊").count() == 1


def test_r2_2_a_view_that_fails_rolls_its_claim_back(tree, users):
    """R2.2: an error while saving rolls back the claim with everything else: the token can be sent again."""
    token = str(uuid.uuid4())

    @form_once
    def broken(request):
        Cadre.objects.create(unit=tree.county_a, name="己", post="科员")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        broken(_request(users["county_office"], {FORM_ONCE: token}))
    assert not FormSubmission.objects.exists() and not Cadre.objects.filter(name="己").exists()


def test_r2_2_claim_once_without_a_token_claims_nothing(tree, users):
    """R2.2: ``claim_once`` is the same claim for a view that does not go through ``@form_once``."""
    with claim_once(_request(users["county_office"], method="get")) as claim:
        assert claim is None
    token = uuid.uuid4()
    with claim_once(_request(users["county_office"], {FORM_ONCE: str(token)})) as claim:
        assert claim.token == token and claim.user == users["county_office"]
    assert FormSubmission.objects.filter(token=token).exists()


def test_r2_2_old_tokens_are_forgotten(tree, users):
    """R2.2: the daily purge drops tokens older than a month, keeps the recent ones."""
    now = timezone.now()
    old = FormSubmission.objects.create(token=uuid.uuid4(), created_at=now - datetime.timedelta(days=31))
    recent = FormSubmission.objects.create(token=uuid.uuid4(), created_at=now - datetime.timedelta(days=2))
    assert form_submissions_purge(now=now) == 1
    assert list(FormSubmission.objects.all()) == [recent]
    assert not FormSubmission.objects.filter(pk=old.pk).exists()
