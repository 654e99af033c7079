"""Issue 14: what the API shows of each record — never more than the record's page shows the same user.

Citizens' contact details appear only to those the pages show them to (``feedback.see_citizen_contact``), the
phone in full only to the office answering the message (issue 15, ``feedback.selectors.citizen_phone_for``);
a cadre's phone number is not in the API at all."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaign.models import ExamResult, Meeting, Notice, NoticeRecipient, Obligation, StudySession
from feedback.models import Category, Message
from feedback.selectors import citizen_phone_for
from supervision.models import CardAnswer, EscalationStep, Evidence, SupervisionCard
from units.models import Cadre, Unit


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]


class UnitSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True,
                                      help_text=_("The parent unit's id (null for a root)."))
    children = serializers.IntegerField(source="numchild", read_only=True, help_text=_("Number of child units."))

    class Meta:
        model = Unit
        fields = ["id", "name", "code", "level", "level_label", "kind", "kind_label", "depth", "parent", "children",
                  "is_backward_village", "is_hardest_unit", "closed_on"]


class CadreSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    rank_label = serializers.CharField(source="get_rank_display", read_only=True)

    class Meta:
        model = Cadre
        fields = ["id", "name", "post", "unit", "rank", "rank_label", "is_top_leader", "is_team_member",
                  "is_party_secretary"]


class ObligationSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state = serializers.SerializerMethodField(help_text=_("done, overdue, due or cancelled"))

    class Meta:
        model = Obligation
        fields = ["id", "unit", "kind", "kind_label", "due_date", "completed_on", "cancelled_on", "state"]

    def get_state(self, obj: Obligation) -> str:
        if obj.cancelled_on:
            return "cancelled"
        if obj.completed_on:
            return "done"
        return "overdue" if obj.due_date < self.context["today"] else "due"


class ProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due = serializers.IntegerField()
    percent = serializers.IntegerField()


class ChildProgressSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    progress = ProgressSerializer()


class UnitProgressSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    progress = ProgressSerializer()
    children = ChildProgressSerializer(many=True)


class StudySessionSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    attendees = serializers.SerializerMethodField(help_text=_("Ids of the cadres who attended."))

    class Meta:
        model = StudySession
        fields = ["id", "unit", "kind", "kind_label", "date", "topic", "content", "hours", "attendees", "created_at"]

    def get_attendees(self, obj: StudySession) -> list[int]:
        return sorted(a.cadre_id for a in obj.attendance.all())


class MeetingSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    speakers = serializers.SerializerMethodField(help_text=_("Ids of the cadres who spoke."))

    class Meta:
        model = Meeting
        fields = ["id", "unit", "kind", "kind_label", "date", "place", "summary", "secretary_comment",
                  "supervision_comment", "speakers", "created_at"]

    def get_speakers(self, obj: Meeting) -> list[int]:
        return sorted(s.cadre_id for s in obj.speeches.all())


class ExamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    date = serializers.DateField()
    is_resit = serializers.BooleanField()
    unit = UnitRefSerializer(help_text=_("The organising unit."))


class CadreRefSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = Cadre
        fields = ["id", "name", "unit"]


class ExamResultSerializer(serializers.ModelSerializer):
    exam = ExamRefSerializer(read_only=True)
    cadre = CadreRefSerializer(read_only=True)

    class Meta:
        model = ExamResult
        fields = ["id", "exam", "cadre", "score", "passed", "makeup_done_on"]


class GroupRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "original_name", "size"]


class CardAnswerSerializer(serializers.ModelSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = CardAnswer
        fields = ["id", "text", "answered_at", "verdict", "verdict_label", "verdict_reason", "verified_at",
                  "evidence"]


class CardSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    group = GroupRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    problems = serializers.SerializerMethodField(help_text=_("The problem categories found."))

    class Meta:
        model = SupervisionCard
        fields = ["id", "number", "unit", "group", "status", "status_label", "due_date", "issued_at", "signed_at",
                  "closed_at", "top_leader_name", "problems"]

    def get_problems(self, obj: SupervisionCard) -> list[str]:
        return [p.category for p in obj.problems.all()]


class CardActionsSerializer(serializers.Serializer):
    sign = serializers.BooleanField()
    answer = serializers.BooleanField()
    verify = serializers.BooleanField()


class CardDetailSerializer(CardSerializer):
    answers = CardAnswerSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(help_text=_("What this user may do with the card now."))

    class Meta(CardSerializer.Meta):
        fields = CardSerializer.Meta.fields + ["facts", "required_actions", "answers", "actions"]

    @extend_schema_field(CardActionsSerializer)
    def get_actions(self, obj: SupervisionCard) -> dict:
        from supervision.models import CardStatus

        user = self.context["request"].user
        return {
            "sign": obj.status == CardStatus.ISSUED and user.has_perm("supervision.sign_card", obj),
            "answer": obj.status in (CardStatus.SIGNED, CardStatus.RETURNED)
            and user.has_perm("supervision.answer_card", obj),
            "verify": obj.status == CardStatus.ANSWERED and user.has_perm("supervision.verify_card", obj),
        }


class CardAnswerInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text=_("The rectification done."))
    files = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False,
                                  max_length=10, help_text=_("Evidence: PDF, Word (.docx), JPG or PNG, ≤ 10 MB each."))


class CardVerifyInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text=_("true closes the card; false sends it back with the reasons."))
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    new_due_date = serializers.DateField(required=False, allow_null=True, default=None)


class EscalationStepSerializer(serializers.ModelSerializer):
    card = serializers.SerializerMethodField()
    step_label = serializers.CharField(source="get_step_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = EscalationStep
        fields = ["id", "card", "step", "step_label", "status", "status_label", "channel", "automatic",
                  "taken_on", "effective_on", "reason", "decided_at", "decision_note", "outcome", "outcome_at"]

    @extend_schema_field(GroupRefSerializer)
    def get_card(self, obj: EscalationStep) -> dict:
        return {"id": obj.card_id, "name": obj.card.number}


class MessageSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    assigned_unit = UnitRefSerializer(read_only=True, allow_null=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Message
        fields = ["id", "tracking_code", "channel", "unit", "category", "category_label", "text", "received_on",
                  "status", "status_label", "is_notable", "assigned_unit", "due_date", "answer", "answered_at",
                  "published_at"]


class MessageActionsSerializer(serializers.Serializer):
    classify = serializers.BooleanField()
    reject = serializers.BooleanField()
    forward = serializers.BooleanField()
    answer = serializers.BooleanField()
    publish = serializers.BooleanField()


class MessageDetailSerializer(MessageSerializer):
    citizen_name = serializers.SerializerMethodField()
    citizen_phone = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text=_("What this user may do with the message now."))

    class Meta(MessageSerializer.Meta):
        fields = MessageSerializer.Meta.fields + ["citizen_name", "citizen_phone", "actions"]

    def _contact(self, obj: Message, value: str) -> str | None:
        user = self.context["request"].user
        return value if user.has_perm("feedback.see_citizen_contact", obj) else None

    def get_citizen_name(self, obj: Message) -> str | None:
        return self._contact(obj, obj.citizen_name)

    def get_citizen_phone(self, obj: Message) -> str | None:
        """Issue 15: in full for the answering office, masked (138****1234) for the others handling it."""
        return citizen_phone_for(self.context["request"].user, obj)

    @extend_schema_field(MessageActionsSerializer)
    def get_actions(self, obj: Message) -> dict:
        from feedback.models import MessageStatus

        user = self.context["request"].user
        triage = user.has_perm("feedback.triage_message", obj)
        return {
            "classify": obj.status in (MessageStatus.RECEIVED, MessageStatus.FORWARDED) and triage,
            "reject": obj.status == MessageStatus.RECEIVED and triage,
            "forward": obj.status in (MessageStatus.RECEIVED, MessageStatus.FORWARDED) and triage,
            "answer": obj.status == MessageStatus.FORWARDED and user.has_perm("feedback.answer_message", obj),
            "publish": obj.status == MessageStatus.ANSWERED and user.has_perm("feedback.review_answer", obj),
        }


class MessageClassifyInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    is_notable = serializers.BooleanField(default=False)


class MessageTextInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class MessageRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text=_("Why it is not the office's business: the citizen "
                                                                 "reads it on the tracking page."))


class MessageForwardInputSerializer(serializers.Serializer):
    """The unit (or the cadre) who must answer, among those in the user's scope."""

    unit = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    cadre = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)

    def validate_unit(self, value):
        if value is None:
            return None
        unit = Unit.objects.visible_to(self.context["request"].user).filter(pk=value).first()
        if unit is None:
            raise serializers.ValidationError(_("No such unit in your scope."))
        return unit

    def validate_cadre(self, value):
        if value is None:
            return None
        cadre = Cadre.objects.visible_to(self.context["request"].user).select_related("unit").filter(pk=value).first()
        if cadre is None:
            raise serializers.ValidationError(_("No such cadre in your scope."))
        return cadre


class ReceiptSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = NoticeRecipient
        fields = ["unit", "read_at"]


class ReadStatusSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    read = serializers.IntegerField()


class NoticeSerializer(serializers.ModelSerializer):
    issuer = UnitRefSerializer(read_only=True)
    receipts = serializers.SerializerMethodField(
        help_text=_("This user's own units among the addressees, and when each read the notice."))
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "number", "title", "issued_on", "issuer", "has_file", "receipts"]

    @extend_schema_field(ReceiptSerializer(many=True))
    def get_receipts(self, obj: Notice) -> list:
        return ReceiptSerializer(getattr(obj, "my_receipts", []), many=True).data

    def get_has_file(self, obj: Notice) -> bool:
        return bool(obj.file)


class NoticeDetailSerializer(NoticeSerializer):
    read_status = serializers.SerializerMethodField(
        help_text=_("On the issuer's side: addressees within this user's subtrees, and how many have read it."))

    class Meta(NoticeSerializer.Meta):
        fields = NoticeSerializer.Meta.fields + ["body", "read_status"]

    @extend_schema_field(ReadStatusSerializer(allow_null=True))
    def get_read_status(self, obj: Notice) -> dict | None:
        detail = self.context.get("detail")
        if detail is None or not detail.issuer_side:
            return None
        return {"total": detail.status.total, "read": detail.status.read}


class NoticeReadInputSerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False, allow_null=True, default=None,
                                    help_text=_("One of your addressed units; omitted: all of them."))


class NoticeReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("Addressee rows newly marked read."))


def _figures_serializer():
    """R1.3, R2.2, R2.6, R4.1, R4.2, R4.4, R5.1 the dashboard's figures: every count of
    ``dashboards.selectors.figures.Figures`` and the rates a leader reads (null: nothing to measure yet)."""
    import dataclasses

    from dashboards.selectors.figures import Figures

    attrs = {}
    for f in dataclasses.fields(Figures):
        attrs[f.name] = serializers.FloatField() if f.type in (float, "float") else serializers.IntegerField()
    for name in ("progress_percent", "study_percent", "exam_rate", "research_percent", "opinion_percent"):
        attrs[name] = serializers.IntegerField(allow_null=True)
    attrs["answer_days"] = serializers.FloatField(allow_null=True)
    for name in ("obligations_due", "study_short", "research_short", "opinion_gaps"):
        attrs[name] = serializers.IntegerField()
    return type("FiguresSerializer", (serializers.Serializer,), attrs)


FiguresSerializer = _figures_serializer()


class BranchFiguresSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    own = serializers.BooleanField(help_text=_("The unit's own records, apart from its children's."))
    figures = FiguresSerializer()


class UnitFiguresSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    campaign = serializers.CharField()
    today = serializers.DateField()
    total = FiguresSerializer()
    branches = BranchFiguresSerializer(many=True)
