"""Issue 13: every save or delete that can change a unit's figures marks its rollups (``dashboards.rollups``)
in the same transaction. Writes in bulk (``bulk_create``, ``QuerySet.update``) send no signal: the services
that make them call ``rollups.mark`` themselves.

Which units a record counts for is the ``collect`` query's grouping: a cadre, an obligation, an opinion
session, a card or a message by its unit; an attendance or a field-research stay by its cadre's unit; an
exam result by its exam's unit (sittings) and its cadre's (make-up owed); an escalation step by its card's
unit. A record that moves to another unit marks the unit it left too (the unit it was loaded with)."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_init, post_save
from treebeard.mp_tree import path_updated

from campaign.models import Attendance, Campaign, Exam, ExamResult, Obligation
from feedback.models import FieldResearchStay, Message, OpinionSession
from supervision.models import EscalationStep, SupervisionCard
from units.models import Cadre, Unit
from units.signals import figures_changed

from . import rollups

#: Records counted by their own unit (which may change: a cadre transferred, a card handed to the
#: unit a closed one merged into).
BY_UNIT = (Cadre, Obligation, OpinionSession, SupervisionCard, Message, Exam)


def _loaded_unit(sender, instance, **kwargs) -> None:
    instance.__dict__["_rollup_unit_was"] = instance.__dict__.get("unit_id")


def _by_unit(sender, instance, signal=None, created=False, **kwargs) -> None:
    was = instance.__dict__.get("_rollup_unit_was")
    ids = [instance.unit_id, was]
    if sender is Exam:
        # its results' cadres owe make-up study by their own units
        rollups.mark(ids, ExamResult.objects.filter(exam_id=instance.pk).values("cadre__unit_id"))
    else:
        # the home page counts cadres by unit: a cadre added, removed or transferred changes it, one edited does not
        tree = sender is Cadre and (created or signal is post_delete or instance.unit_id != was)
        rollups.mark(ids, tree=tree)
    instance.__dict__["_rollup_unit_was"] = instance.unit_id


def _by_cadre(sender, instance, **kwargs) -> None:
    units = [Cadre.objects.filter(pk=instance.cadre_id).values("unit_id")]
    if sender is ExamResult:
        units.append(Exam.objects.filter(pk=instance.exam_id).values("unit_id"))
    rollups.mark((), *units)


def _by_card(sender, instance, **kwargs) -> None:
    rollups.mark((), SupervisionCard.objects.filter(pk=instance.card_id).values("unit_id"))


def _unit_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:  # loaddata: no row to mark; count live until the next build
        rollups.invalidate()
        return
    if created:
        rollups.unit_added(instance)
    else:
        rollups.mark([instance.pk], tree=True)


def _unit_deleted(sender, instance, **kwargs) -> None:
    rollups.invalidate()


#: The campaign's fields the figures depend on (the study minimums, the field-research days).
RULE_FIELDS = ("min_study_provincial", "min_study_other", "min_field_research_days")


def _campaign_loaded(sender, instance, **kwargs) -> None:
    instance.__dict__["_rollup_rules_were"] = tuple(instance.__dict__.get(f) for f in RULE_FIELDS)


def _campaign_saved(sender, instance, created, raw=False, **kwargs) -> None:
    rules = tuple(instance.__dict__.get(f) for f in RULE_FIELDS)
    if not created and (raw or rules != instance.__dict__.get("_rollup_rules_were")):
        rollups.invalidate([instance.pk])  # counted live until rebuilt under the new rules
    instance.__dict__["_rollup_rules_were"] = rules


def _paths_rewritten(sender, old_path, new_path, **kwargs) -> None:
    """treebeard rewrote a subtree's paths: a move to another parent (by the services or the admin's
    drag and drop) changes which ancestors count it; a re-sort among siblings changes nothing."""
    if old_path[:-Unit.steplen] != new_path[:-Unit.steplen]:
        rollups.invalidate()


def _figures_changed(sender, unit_ids=(), units=(), cadres=False, **kwargs) -> None:
    rollups.mark(unit_ids, *units, tree=cadres)


def connect() -> None:
    figures_changed.connect(_figures_changed, dispatch_uid="dashboards.rollups.figures")
    path_updated.connect(_paths_rewritten, sender=Unit, dispatch_uid="dashboards.rollups.tree")
    for model in BY_UNIT:
        uid = f"dashboards.rollups.{model._meta.label_lower}"
        post_init.connect(_loaded_unit, sender=model, dispatch_uid=uid)
        post_save.connect(_by_unit, sender=model, dispatch_uid=uid)
        post_delete.connect(_by_unit, sender=model, dispatch_uid=uid)
    for model in (Attendance, FieldResearchStay, ExamResult):
        uid = f"dashboards.rollups.{model._meta.label_lower}"
        post_save.connect(_by_cadre, sender=model, dispatch_uid=uid)
        post_delete.connect(_by_cadre, sender=model, dispatch_uid=uid)
    post_save.connect(_by_card, sender=EscalationStep, dispatch_uid="dashboards.rollups.step")
    post_delete.connect(_by_card, sender=EscalationStep, dispatch_uid="dashboards.rollups.step")
    post_save.connect(_unit_saved, sender=Unit, dispatch_uid="dashboards.rollups.unit")
    post_delete.connect(_unit_deleted, sender=Unit, dispatch_uid="dashboards.rollups.unit")
    post_init.connect(_campaign_loaded, sender=Campaign, dispatch_uid="dashboards.rollups.campaign")
    post_save.connect(_campaign_saved, sender=Campaign, dispatch_uid="dashboards.rollups.campaign")
