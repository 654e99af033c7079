"""Issue 14: the REST API. Each viewset reads through the same scoped door as the pages (``visible_to``:
out of scope is a 404) and writes through the same services (which check the same django-rules
permissions: in scope but not permitted is a 403). Nothing here builds a rule of its own."""
from __future__ import annotations

import hashlib
import json

from django.db.models import OuterRef, Prefetch, Subquery
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from campaign.models import Campaign, ExamResult, Meeting, Notice, NoticeRecipient, Obligation, StudySession
from campaign.selectors import notices as notice_selectors
from campaign.selectors.core import children_progress, subtree_progress
from campaign.services import notices as notice_services
from dashboards.selectors.dashboard import dashboard
from feedback.models import Message
from feedback.services import messages as message_services
from supervision.files import MAX_BYTES, upload_problem
from supervision.models import EscalationStep, SupervisionCard
from supervision.services import cards as card_services
from units.models import Cadre, Unit

from . import filters, serializers
from .exceptions import PayloadTooLarge, UnsupportedFile
from .pagination import ListCursor


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only list and detail over ``model.objects.visible_to(user)``."""

    model = None
    pagination_class = ListCursor
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    detail_serializer_class = None

    def scoped(self):
        return self.model.objects.visible_to(self.request.user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return self.model.objects.none()
        return self.scoped()

    def get_serializer_class(self):
        if self.action != "list" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def fresh_detail(self) -> Response:
        """The record as an action left it (read again: the service changed it), as its detail shows it."""
        record = self.get_queryset().get(pk=self.kwargs["pk"])
        return Response(self.detail_serializer_class(record, context=self.get_serializer_context()).data)


@extend_schema_view(list=extend_schema(summary="Units in scope (search, children, subtree)"),
                    retrieve=extend_schema(summary="A unit"))
class UnitViewSet(ScopedViewSet):
    """R0.1 the unit tree as far as the user's scope reaches: ``?parent=`` lists children, ``?within=`` a
    subtree, ``?q=`` searches by name or code."""

    model = Unit
    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilter
    ordering_fields = ["path", "name", "code", "id"]
    ordering = ["path"]

    def scoped(self):
        parent = Unit.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen))
        return super().scoped().annotate(parent_id=Subquery(parent.values("pk")[:1]))

    @extend_schema(summary="The subtree's obligations done, overdue and due, and each child's",
                   responses=serializers.UnitProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """R5.1 progress of the unit's subtree against its deadlines, and of each child's subtree."""
        unit = self.get_object()
        campaign = Campaign.objects.current()
        today = timezone.localdate()
        if campaign is None:
            whole, rows = None, []
        else:
            whole, rows = subtree_progress(unit, campaign, today), children_progress(unit, campaign, today)

        def p(progress) -> dict:
            if progress is None:
                return {"total": 0, "done": 0, "overdue": 0, "due": 0, "percent": 0}
            return {"total": progress.total, "done": progress.done, "overdue": progress.overdue,
                    "due": progress.due, "percent": progress.percent}

        return Response({"unit": {"id": unit.pk, "name": unit.name}, "progress": p(whole),
                         "children": [{"unit": {"id": c.pk, "name": c.name}, "progress": p(pr)} for c, pr in rows]})

    @extend_schema(
        summary="The dashboard's figures of the unit's subtree, by branch",
        parameters=[OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                                     description="The ETag of a copy you hold: 304 when nothing changed.")],
        responses={200: serializers.UnitFiguresSerializer,
                   304: OpenApiResponse(description="Not modified: your copy is current.")},
    )
    @action(detail=True, methods=["get"])
    def figures(self, request, pk=None):
        """R1.3, R2.2, R2.6, R4.1, R4.2, R4.4, R5.1 what the unit's dashboard shows, as numbers, with an
        ``ETag``: a client polling with ``If-None-Match`` gets 304 and no body while nothing changed."""
        unit = self.get_object()
        campaign = Campaign.objects.current()
        today = timezone.localdate()
        if campaign is None:
            body = {"unit": {"id": unit.pk, "name": unit.name}, "campaign": "", "today": today.isoformat(),
                    "total": _figures({}), "branches": []}
        else:
            data = dashboard(user=request.user, unit=unit, campaign=campaign, today=today)
            body = {"unit": {"id": unit.pk, "name": unit.name}, "campaign": campaign.name,
                    "today": today.isoformat(), "total": _figures(data.total),
                    "branches": [{"unit": {"id": b.unit.pk, "name": b.unit.name}, "own": b.own,
                                  "figures": _figures(b.figures)} for b in data.rows]}
        etag = '"%s"' % hashlib.sha256(
            (get_language() + json.dumps(body, sort_keys=True, default=str)).encode()).hexdigest()[:32]
        headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Accept-Language, Authorization, Cookie"}
        wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
        if etag in wanted or "*" in wanted:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        return Response(body, headers=headers)


def _figures(figures) -> dict:
    from dashboards.selectors.figures import Figures

    figures = figures or Figures()
    return {name: getattr(figures, name) for name in serializers.FiguresSerializer._declared_fields}


class CadreViewSet(ScopedViewSet):
    """R0.2 the cadres of the units in scope."""

    model = Cadre
    serializer_class = serializers.CadreSerializer
    filterset_class = filters.CadreFilter
    ordering_fields = ["id", "name"]
    ordering = ["id"]

    def scoped(self):
        return super().scoped().select_related("unit")


class ObligationViewSet(ScopedViewSet):
    """R5.1 each unit's obligations against the deadlines of its level."""

    model = Obligation
    serializer_class = serializers.ObligationSerializer
    filterset_class = filters.ObligationFilter
    ordering_fields = ["id", "due_date"]
    ordering = ["id"]

    def scoped(self):
        return super().scoped().select_related("unit")


class StudySessionViewSet(ScopedViewSet):
    """R2.2 study sessions recorded by the units in scope, with their attendees."""

    model = StudySession
    serializer_class = serializers.StudySessionSerializer
    filterset_class = filters.StudySessionFilter
    ordering_fields = ["id", "date"]
    ordering = ["-id"]

    def scoped(self):
        return super().scoped().select_related("unit").prefetch_related("attendance")


class MeetingViewSet(ScopedViewSet):
    """R3.1 meetings held by the units in scope, with their speakers."""

    model = Meeting
    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter
    ordering_fields = ["id", "date"]
    ordering = ["-id"]

    def scoped(self):
        return super().scoped().select_related("unit").prefetch_related("speeches")


class ExamResultViewSet(ScopedViewSet):
    """R2.6 exam results of the cadres in scope (whoever organised the exam: a provincial exam shows a
    county only its own cadres' results)."""

    model = ExamResult
    serializer_class = serializers.ExamResultSerializer
    filterset_class = filters.ExamResultFilter
    ordering_fields = ["id", "score"]
    ordering = ["-id"]

    def scoped(self):
        from units.scoping import scope_q

        return (ExamResult.objects.filter(scope_q(self.request.user, "cadre__unit_"))
                .select_related("exam__unit", "cadre__unit"))


class CardViewSet(ScopedViewSet):
    """R1.3 supervision cards of the units in scope: the unit signs and answers with evidence, the group
    verifies — through the same services (and permissions) as the card's page."""

    model = SupervisionCard
    serializer_class = serializers.CardSerializer
    detail_serializer_class = serializers.CardDetailSerializer
    filterset_class = filters.CardFilter
    ordering_fields = ["id", "due_date", "issued_at"]
    ordering = ["-id"]

    def scoped(self):
        qs = super().scoped().select_related("unit", "group").prefetch_related("problems")
        if self.action != "list":
            qs = qs.prefetch_related("answers__evidence")
        return qs

    @extend_schema(summary="Sign for the card (签收)", request=None, responses=serializers.CardDetailSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        card_services.card_sign(user=request.user, card=self.get_object())
        return self.fresh_detail()

    @extend_schema(summary="Answer the card with the rectification and evidence files",
                   request={"multipart/form-data": serializers.CardAnswerInputSerializer,
                            "application/json": serializers.CardAnswerInputSerializer},
                   responses={201: serializers.CardDetailSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def answer(self, request, pk=None):
        card = self.get_object()
        data = serializers.CardAnswerInputSerializer(data=_multi(request.data, "files"))
        data.is_valid(raise_exception=True)
        files = data.validated_data.get("files", [])
        _check_files(files)
        card_services.card_answer(user=request.user, card=card, text=data.validated_data["text"], files=files)
        response = self.fresh_detail()
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(summary="Verify the answer: accept and close, or send back with reasons",
                   request=serializers.CardVerifyInputSerializer, responses=serializers.CardDetailSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        card = self.get_object()
        data = serializers.CardVerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card_services.card_verify(user=request.user, card=card, **data.validated_data)
        return self.fresh_detail()


def _multi(data, key: str):
    """A multipart body's repeated ``key`` as a list (a JSON body is taken as it is)."""
    if hasattr(data, "getlist"):
        plain = {k: data.get(k) for k in data.keys() if k != key}
        if key in data:
            plain[key] = data.getlist(key)
        return plain
    return data


def _check_files(files) -> None:
    """Issue 14: a file too big is a 413, a file of the wrong type a 415 — each with the page's message —
    before anything is stored."""
    for upload in files:
        problem = upload_problem(upload)
        if problem is None:
            continue
        raise (PayloadTooLarge if upload.size > MAX_BYTES else UnsupportedFile)(problem)


class EscalationStepViewSet(ScopedViewSet):
    """R1.3 the escalation ladder's steps of the cards in scope (reminder, notice, interview, …)."""

    model = EscalationStep
    serializer_class = serializers.EscalationStepSerializer
    filterset_class = filters.EscalationStepFilter
    ordering_fields = ["id", "taken_on"]
    ordering = ["-id"]

    def scoped(self):
        from units.scoping import scope_q

        return EscalationStep.objects.filter(scope_q(self.request.user, "card__unit__")).select_related("card")


class MessageViewSet(ScopedViewSet):
    """R4.4 the public's messages about the units in scope, for staff: triage (classify, reject, forward), answer,
    publish."""

    model = Message
    serializer_class = serializers.MessageSerializer
    detail_serializer_class = serializers.MessageDetailSerializer
    filterset_class = filters.MessageFilter
    ordering_fields = ["id", "received_on", "due_date"]
    ordering = ["-id"]

    def scoped(self):
        return super().scoped().select_related("unit", "assigned_unit", "office_unit")

    @extend_schema(summary="Triage: what the message is about, and whether the digest names it",
                   request=serializers.MessageClassifyInputSerializer, responses=serializers.MessageDetailSerializer)
    @action(detail=True, methods=["post"])
    def classify(self, request, pk=None):
        message = self.get_object()
        data = serializers.MessageClassifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message_services.message_classify(message=message, by=request.user, **data.validated_data)
        return self.fresh_detail()

    @extend_schema(summary="Triage: not the office's business — closed with a reason the citizen reads",
                   request=serializers.MessageRejectInputSerializer, responses=serializers.MessageDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        message = self.get_object()
        data = serializers.MessageRejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message_services.message_reject(message=message, reason=data.validated_data["reason"], by=request.user)
        return self.fresh_detail()

    @extend_schema(summary="Triage: send to the unit or the cadre who must answer, due in the campaign's working days",
                   request=serializers.MessageForwardInputSerializer, responses=serializers.MessageDetailSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        message = self.get_object()
        data = serializers.MessageForwardInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        campaign = Campaign.objects.current() or message.campaign
        message_services.message_forward(message=message, campaign=campaign, unit=data.validated_data["unit"],
                                         cadre=data.validated_data["cadre"], today=timezone.localdate(),
                                         by=request.user)
        return self.fresh_detail()

    @extend_schema(summary="Answer a message forwarded to your unit (the office reviews it)",
                   request=serializers.MessageTextInputSerializer, responses=serializers.MessageDetailSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        message = self.get_object()
        data = serializers.MessageTextInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message_services.message_answer(message=message, text=data.validated_data["text"], by=request.user)
        return self.fresh_detail()

    @extend_schema(summary="Publish the reviewed answer to the citizen",
                   request=serializers.MessageTextInputSerializer, responses=serializers.MessageDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        message = self.get_object()
        data = serializers.MessageTextInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message_services.message_publish(message=message, text=data.validated_data["text"], by=request.user)
        return self.fresh_detail()


class NoticeViewSet(ScopedViewSet):
    """X3 notices issued within or addressed into the user's scope, with the user's own read receipts; the
    issuer's side sees how many addressees (within its subtrees) have read."""

    model = Notice
    serializer_class = serializers.NoticeSerializer
    detail_serializer_class = serializers.NoticeDetailSerializer
    filterset_class = filters.NoticeFilter
    ordering_fields = ["id", "issued_on"]
    ordering = ["-id"]

    def scoped(self):
        mine = list(notice_selectors.bound_unit_ids(self.request.user))
        return super().scoped().select_related("issuer").prefetch_related(Prefetch(
            "recipients", to_attr="my_receipts",
            queryset=NoticeRecipient.objects.filter(unit_id__in=mine).select_related("unit").order_by("unit__path")))

    def retrieve(self, request, *args, **kwargs):
        notice = self.get_object()
        context = {**self.get_serializer_context(), "detail": notice_selectors.notice_detail(request.user, notice)}
        return Response(serializers.NoticeDetailSerializer(notice, context=context).data)

    @extend_schema(summary="Mark the notice read for your addressed unit(s)",
                   request=serializers.NoticeReadInputSerializer, responses=serializers.NoticeReadResultSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = self.get_object()
        data = serializers.NoticeReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not request.user.has_perm("campaign.read_notice", notice):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied(_("This notice is not addressed to a unit of yours."))
        marked = notice_services.notice_mark_read(user=request.user, notice=notice, unit_id=data.validated_data["unit"])
        return Response({"marked": marked})
