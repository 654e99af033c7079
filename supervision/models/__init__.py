"""Models of the supervision app, one module per area, re-exported here."""
from .cards import (
    R54_CATEGORIES,
    UNIT_OWES,
    CardAnswer,
    CardEvent,
    CardNumberSequence,
    CardProblem,
    CardStatus,
    EventKind,
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    ProblemCategory,
    SupervisionCard,
    Verdict,
)
from .checks import CheckVerdict, EntryStatus, RectificationItem, SelfCheck, SelfCheckEntry, SpotCheck, SpotFinding
from .dispatch import Attitude, Dispatch, DispatchAttitude, DispatchWay
from .escalation import NEEDS_APPROVAL, Channel, EscalationStep, StepKind, StepStatus
from .groups import SupervisionGroup
from .inspections import CrossInspection, CrossTarget, FindingResult, InspectionUnit, SpecialInspection, TargetKind
from .keycontact import FailingSource, UnitFailing

__all__ = [
    "NEEDS_APPROVAL", "R54_CATEGORIES", "UNIT_OWES", "Attitude", "CardAnswer", "CardEvent", "CardNumberSequence",
    "CardProblem", "CardStatus", "Channel", "CheckVerdict", "CrossInspection", "CrossTarget", "Dispatch",
    "DispatchAttitude", "DispatchWay", "EntryStatus", "EscalationStep", "EventKind", "Evidence", "ExtensionRequest",
    "ExtensionStatus", "FailingSource", "FindingResult", "InspectionUnit", "ProblemCategory", "RectificationItem",
    "SelfCheck", "SelfCheckEntry", "SpecialInspection", "SpotCheck", "SpotFinding", "StepKind", "StepStatus",
    "SupervisionCard", "SupervisionGroup", "TargetKind", "UnitFailing", "Verdict",
]
