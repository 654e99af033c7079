"""Models of the campaign app, one module per area, re-exported here."""
from .articles import ArticleRequest
from .campaign import CalendarDay, CalendarDayKind, Campaign, Phase
from .criticism import CriticismEntry, PublicCriticism
from .exams import Exam, ExamResult
from .liaison import (
    AgendaItem,
    AgendaSource,
    InstructionRequest,
    LiaisonMeeting,
    LiaisonTask,
    ProgressReport,
    ProgressReportReminder,
    ProgressReportSchedule,
    ReportFrequency,
    RequestStatus,
    TaskStatus,
    Weekday,
)
from .meetings import Meeting, MeetingKind, MeetingSpeech
from .notices import Notice, NoticeRecipient
from .notifications import Notification, ReminderClaim, ReminderStage
from .obligations import Deadline, Obligation, ObligationKind
from .publicity import (
    ArticleKind,
    DisciplinaryCase,
    MediaCoverage,
    MediaKind,
    PosterKind,
    PosterRecord,
    PressConference,
    PublicityArticle,
    PublicityColumn,
)
from .problems import (
    CommonProblem,
    ComparisonMaterial,
    FourWinds,
    FourWindsProblem,
    MaterialStatus,
    MaterialSubject,
    ProblemRoute,
    ProblemSource,
    ProblemStatus,
)
from .study import COMPULSORY_TEXT, Attendance, SessionKind, StudyPlan, StudySession

__all__ = [
    "ArticleRequest", "Attendance", "COMPULSORY_TEXT", "CalendarDay", "CalendarDayKind", "Campaign", "CommonProblem",
    "ComparisonMaterial", "CriticismEntry", "Deadline", "Exam", "ExamResult", "FourWinds", "FourWindsProblem", "MaterialStatus",
    "MaterialSubject", "Meeting", "MeetingKind", "MeetingSpeech", "Notice", "NoticeRecipient", "Notification",
    "Obligation", "ObligationKind", "Phase", "ProblemRoute", "PublicCriticism", "ProblemSource", "ProblemStatus", "ReminderClaim",
    "ReminderStage", "SessionKind", "StudyPlan", "StudySession",
    # R5.2 liaison
    "AgendaItem", "AgendaSource", "InstructionRequest", "LiaisonMeeting", "LiaisonTask", "ProgressReport",
    "ProgressReportReminder", "ProgressReportSchedule", "ReportFrequency", "RequestStatus", "TaskStatus", "Weekday",
    # R6 publicity
    "ArticleKind", "DisciplinaryCase", "MediaCoverage", "MediaKind", "PosterKind", "PosterRecord", "PressConference",
    "PublicityArticle", "PublicityColumn",
]
