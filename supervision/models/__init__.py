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
from .escalation import NEEDS_APPROVAL, Channel, EscalationStep, StepKind, StepStatus
from .groups import SupervisionGroup

__all__ = [
    "NEEDS_APPROVAL", "R54_CATEGORIES", "UNIT_OWES", "CardAnswer", "CardEvent", "CardNumberSequence", "CardProblem",
    "CardStatus", "Channel", "EscalationStep", "EventKind", "Evidence", "ExtensionRequest", "ExtensionStatus",
    "ProblemCategory", "StepKind", "StepStatus", "SupervisionCard", "SupervisionGroup", "Verdict",
]
