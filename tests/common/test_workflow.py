"""The workflow engine on plain objects: a fake document that saves into a list, fake users with permissions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from kinerja.common.history import HISTORY_REASON_MAX, Actor, recorded
from kinerja.common.workflow import Step, Workflow, locked

pytestmark = pytest.mark.django_db  # apply() saves and records in one transaction

LABELS = {"draft": "Konsep", "submitted": "Diajukan", "approved": "Disetujui", "revised": "Dalam revisi"}


@dataclass
class Doc:
    """A map-like document: a state, a revision, who submitted it; `save` keeps what it was asked."""

    state: str = "draft"
    revision: int = 0
    submitted_by: Any = None
    updated_at: int = 0
    pk: int = 1
    saves: list[Any] = field(default_factory=list)

    def save(self, *, update_fields: Any = None) -> None:
        self.saves.append(None if update_fields is None else list(update_fields))

    def get_state_display(self) -> str:
        return LABELS[self.state]


@dataclass(frozen=True)
class FakeUser:
    name: str
    perms: frozenset[str] = frozenset()

    @property
    def pk(self) -> str:
        return self.name

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return perm in self.perms


def user(name: str, *actions: str) -> FakeUser:
    return FakeUser(name, frozenset(f"doc.{a}" for a in actions))


def back(doc: Doc) -> str:
    return "revised" if doc.revision > 0 else "draft"


def stamp_submitter(doc: Doc, by: Actor, reason: str) -> None:
    doc.submitted_by = by


def bump(doc: Doc, by: Actor, reason: str) -> None:
    doc.revision += 1


def not_the_submitter(doc: Doc, actor: Actor, context: Mapping[str, Any]) -> str | None:
    if actor is not None and doc.submitted_by == actor:
        return "Penyetuju tidak boleh orang yang sama dengan pengaju."
    return None


def has_attachment(doc: Doc, actor: Actor, context: Mapping[str, Any]) -> str | None:
    return None if context.get("attachments", 1) else "Lampirkan data dukung lebih dahulu."


EDITABLE = frozenset({"draft", "revised"})


def make_flow(record: Any = None, **options: Any) -> Workflow:
    return Workflow(
        steps=[
            Step("change", EDITABLE, None, "doc.change", code="read_only"),
            Step(
                "submit",
                EDITABLE,
                "submitted",
                "doc.submit",
                guards=(has_attachment,),
                effect=stamp_submitter,
                fields=("submitted_by",),
            ),
            Step("approve", frozenset({"submitted"}), "approved", "doc.approve", guards=(not_the_submitter,)),
            Step("return", frozenset({"submitted"}), back, "doc.return", reason_required=True),
            Step(
                "revise",
                frozenset({"approved"}),
                "revised",
                "doc.revise",
                reason_required=True,
                effect=bump,
                fields=("revision",),
            ),
        ],
        record=record,
        **options,
    )


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, obj: Any, from_state: str, to_state: str, action: str, by: Actor, reason: str) -> None:
        self.calls.append((obj.state, obj.revision, from_state, to_state, action, by, reason))


# --------------------------------------------------------------------------- the table and its questions


def test_allowed_asks_the_permission_and_the_state():
    flow = make_flow()
    writer, leader = user("ani", "change", "submit"), user("budi", "approve", "return", "revise")
    assert flow.allowed(Doc(), writer) == {
        "change": True,
        "submit": True,
        "approve": False,
        "return": False,
        "revise": False,
    }
    assert flow.allowed(Doc(), leader) == dict.fromkeys(flow.steps, False)
    submitted = Doc(state="submitted", submitted_by=writer)
    assert flow.allowed(submitted, leader) == {
        "change": False,
        "submit": False,
        "approve": True,
        "return": True,
        "revise": False,
    }


def test_a_state_rule_is_not_a_permission_the_system_holds_every_permission_but_not_every_state():
    flow = make_flow()
    assert flow.allowed(Doc(state="approved"), None) == {
        "change": False,
        "submit": False,
        "approve": False,
        "return": False,
        "revise": True,
    }
    flow.ensure(Doc(state="approved"), "revise", None)
    with pytest.raises(ValidationError):
        flow.ensure(Doc(state="approved"), "approve", None)


def test_the_wrong_state_is_named_by_its_label():
    flow = make_flow()
    assert flow.problem(Doc(state="approved"), "submit", user("ani", "submit")) == (
        "Langkah ini tidak dapat dilakukan dari status Disetujui."
    )
    assert flow.problem(Doc(), "submit", user("ani")) is None  # the permission is not a problem


def test_wrong_state_messages_of_the_workflow_and_of_a_step():
    flow = Workflow(
        steps=[
            Step("submit", frozenset({"draft"}), "submitted", "doc.submit"),
            Step(
                "return",
                frozenset({"submitted"}),
                "draft",
                "doc.return",
                wrong_state=lambda doc, step: "Dokumen ini sudah berstatus konsep.",
            ),
        ],
        wrong_state=lambda doc, step: f"Dokumen {doc.get_state_display()}: {step.action} tidak mungkin.",
    )
    assert flow.problem(Doc(), "return", None) == "Dokumen ini sudah berstatus konsep."
    assert flow.problem(Doc(state="approved"), "submit", None) == "Dokumen Disetujui: submit tidak mungkin."


def test_guards_the_workflows_before_the_state_the_steps_after_it_with_the_context():
    def period_closed(doc: Doc, actor: Actor, context: Mapping[str, Any]) -> str | None:
        return "Periode sudah ditutup." if context.get("closed") else None

    flow = make_flow(guards=[period_closed])
    ani = user("ani", "submit", "approve")
    assert flow.problem(Doc(state="approved"), "submit", ani, closed=True) == "Periode sudah ditutup."
    assert flow.problem(Doc(), "submit", ani, attachments=0) == "Lampirkan data dukung lebih dahulu."
    assert flow.allowed(Doc(), ani, attachments=0)["submit"] is False
    assert flow.allowed(Doc(), ani)["submit"] is True  # a guard sees an empty context when nothing is given
    mine = Doc(state="submitted", submitted_by=ani)
    assert flow.problem(mine, "approve", ani) == "Penyetuju tidak boleh orang yang sama dengan pengaju."
    assert flow.problem(mine, "approve", user("budi", "approve")) is None
    assert flow.problem(mine, "approve", None) is None  # the guard decides what the system may do


def test_ensure_says_permission_denied_or_a_coded_validation_error():
    flow = make_flow()
    with pytest.raises(PermissionDenied):
        flow.ensure(Doc(), "submit", user("ani"))
    with pytest.raises(ValidationError) as caught:
        flow.ensure(Doc(state="submitted"), "submit", user("ani", "submit"))
    assert caught.value.code == "cannot_submit"
    with pytest.raises(ValidationError) as caught:
        flow.ensure(Doc(state="approved"), "change", user("ani", "change"))
    assert caught.value.code == "read_only"  # the step's own code wins
    with pytest.raises(ValidationError) as caught:
        flow.ensure(Doc(), "submit", user("ani", "submit"), attachments=0)
    assert caught.value.messages == ["Lampirkan data dukung lebih dahulu."]
    flow.ensure(Doc(), "submit", user("ani", "submit"))


def test_the_permission_first_or_last_and_the_workflows_code():
    outsider, approved = user("eko"), Doc(state="approved")
    with pytest.raises(PermissionDenied):  # by default the outsider learns nothing about the state
        make_flow().ensure(approved, "submit", outsider)
    state_first = make_flow(permission_first=False, code="invalid_state")
    with pytest.raises(ValidationError) as caught:
        state_first.ensure(approved, "submit", outsider)
    assert caught.value.code == "invalid_state"
    with pytest.raises(PermissionDenied):
        state_first.ensure(Doc(), "submit", outsider)


def test_unknown_and_duplicate_steps_are_programming_errors():
    with pytest.raises(KeyError, match="publish"):
        make_flow().step("publish")
    one = Step("submit", frozenset({"draft"}), "submitted", "doc.submit")
    with pytest.raises(ValueError, match="twice"):
        Workflow(steps=[one, one])


# --------------------------------------------------------------------------- taking a step


def test_apply_moves_the_state_saves_with_the_author_and_records_the_event():
    record = Recorder()
    flow, ani = make_flow(record), user("ani", "submit")
    doc = Doc()
    assert flow.apply(doc, "submit", by=ani, update_fields=("updated_at",)) is doc
    assert (doc.state, doc.submitted_by) == ("submitted", ani)
    assert doc.saves == [["state", "submitted_by", "updated_at"]]  # the state and the step's fields added
    assert doc._history_user is ani  # type: ignore[attr-defined]
    assert not hasattr(doc, "_change_reason")
    assert record.calls == [("submitted", 0, "draft", "submitted", "submit", ani, "")]


def test_a_reason_is_required_stripped_recorded_and_given_to_the_history():
    record = Recorder()
    flow, budi = make_flow(record), user("budi", "return")
    doc = Doc(state="submitted")
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as caught:
            flow.apply(doc, "return", by=budi, reason=blank)
        assert caught.value.code == "reason_required"
        assert caught.value.messages == ["Alasan wajib diisi."]
    assert (doc.state, doc.saves, record.calls) == ("submitted", [], [])
    long = "Perbaiki " + "x" * 200
    flow.apply(doc, "return", by=budi, reason=f"  {long}  ")
    assert doc.saves == [None]  # no update_fields: every field saved
    assert doc._change_reason == long[:HISTORY_REASON_MAX]  # type: ignore[attr-defined]
    assert record.calls[-1][-1] == long
    assert flow.required_reason("submit", "  ") == ""  # a step without a required reason takes none


def test_the_workflows_reason_message_is_translated_when_raised():
    flow = make_flow(reason_message=gettext_lazy("Alasan pengembalian wajib diisi."))
    with pytest.raises(ValidationError) as caught:
        flow.required_reason("return", "")
    assert caught.value.messages == ["Alasan pengembalian wajib diisi."]


def test_a_callable_target_and_an_effect_the_revision_cycle():
    record = Recorder()
    flow, budi = make_flow(record), user("budi")
    doc = Doc(state="submitted")
    flow.apply(doc, "return", by=budi, reason="Belum lengkap")
    assert doc.state == "draft"  # a first draft goes back to draft
    doc.state = "approved"
    flow.apply(doc, "revise", by=None, reason="Reorganisasi", update_fields=())
    assert (doc.state, doc.revision, doc.saves[-1]) == ("revised", 1, ["state", "revision"])
    by_the_system = make_flow().apply(Doc(state="approved"), "revise", by=None, reason="Reorganisasi")
    assert not hasattr(by_the_system, "_history_user")  # the system is nobody in the history
    doc.state = "submitted"
    flow.apply(doc, "return", by=budi, reason="Belum")
    assert doc.state == "revised"  # a returned revision stays a revision
    assert [c[2:5] for c in record.calls] == [
        ("submitted", "draft", "return"),
        ("approved", "revised", "revise"),
        ("submitted", "revised", "return"),
    ]
    assert record.calls[1][:2] == ("revised", 1)  # the recorder sees the object as saved


def test_apply_refuses_a_state_the_step_does_not_start_from_and_a_gate():
    record = Recorder()
    flow = make_flow(record)
    doc = Doc(state="approved")
    with pytest.raises(ValidationError) as caught:
        flow.apply(doc, "submit", by=None)
    assert caught.value.code == "cannot_submit"
    with pytest.raises(ValueError, match="gate"):
        flow.apply(Doc(), "change", by=None)
    assert (doc.state, doc.saves, record.calls) == ("approved", [], [])


def test_a_failing_recorder_rolls_the_step_back_with_it():
    def broken(*args: Any) -> None:
        raise RuntimeError("disk full")

    saved: list[str] = []

    @dataclass
    class Row(Doc):
        def save(self, *, update_fields: Any = None) -> None:
            get_user_model().objects.create(username=f"row-{len(saved)}")  # a write inside the step
            saved.append(self.state)

    with pytest.raises(RuntimeError):
        make_flow(broken).apply(Row(), "submit", by=None)
    assert saved == ["submitted"] and not get_user_model().objects.filter(username="row-0").exists()


# --------------------------------------------------------------------------- locking and the whole step


class FakeManager:
    """Stands for `Model._default_manager`: notes the lock asked for and hands out the stored row."""

    def __init__(self, row: Any) -> None:
        self.row, self.calls = row, []

    def select_for_update(self, **kwargs: Any) -> FakeManager:
        self.calls.append(("select_for_update", kwargs))
        return self

    def select_related(self, *names: str) -> FakeManager:
        self.calls.append(("select_related", names))
        return self

    def get(self, **lookup: Any) -> Any:
        self.calls.append(("get", lookup))
        return self.row


def stored(row: Doc) -> tuple[type[Doc], FakeManager]:
    manager = FakeManager(row)

    class Stored(Doc):
        _default_manager = manager

    return Stored, manager


def test_locked_locks_only_the_objects_own_row():
    row = Doc(pk=7)
    model, manager = stored(row)
    assert locked(model(pk=7), related=("unit", "plan_year")) is row  # type: ignore[type-var]
    assert manager.calls == [
        ("select_for_update", {"of": ("self",)}),
        ("select_related", ("unit", "plan_year")),
        ("get", {"pk": 7}),
    ]


def test_locked_reads_the_row_again_from_the_database():
    someone = get_user_model().objects.create(username="ani", first_name="Ani")
    someone.first_name = "changed in memory"
    with transaction.atomic():
        again = locked(someone)
    assert (again.pk, again.first_name) == (someone.pk, "Ani") and again is not someone


def test_run_checks_locks_checks_again_applies_and_keeps_the_callers_copy_in_step():
    record, checked = Recorder(), []
    flow, ani = make_flow(record), user("ani", "submit")
    current = Doc(pk=3)
    model, manager = stored(current)
    caller = model(pk=3)
    result = flow.run(
        caller,  # type: ignore[type-var]
        "submit",
        by=ani,
        related=("unit",),
        check=checked.append,
        update_fields=("updated_at",),
        sync=("revision",),
    )
    assert result is caller and checked == [current]
    assert (current.state, current.saves) == ("submitted", [["state", "submitted_by", "updated_at"]])
    assert (caller.state, caller.submitted_by, caller.saves) == ("submitted", ani, [])
    assert manager.calls[0] == ("select_for_update", {"of": ("self",)})
    assert record.calls == [("submitted", 0, "draft", "submitted", "submit", ani, "")]


def test_run_refuses_before_the_lock_and_again_on_the_locked_row():
    flow = make_flow(Recorder())
    model, manager = stored(Doc(state="submitted"))  # someone submitted it meanwhile
    with pytest.raises(PermissionDenied):
        flow.run(model(), "submit", by=user("eko"))  # type: ignore[type-var]
    with pytest.raises(ValidationError) as caught:
        flow.run(model(), "return", by=user("budi", "return"), reason=" ")  # type: ignore[type-var]
    assert caught.value.code == "reason_required"
    assert manager.calls == []  # refused before anything was locked
    with pytest.raises(ValidationError) as caught:
        flow.run(model(), "submit", by=user("ani", "submit"))  # type: ignore[type-var]
    assert caught.value.code == "cannot_submit" and manager.row.saves == []


def test_recorded_stamps_the_author_and_the_reason():
    doc, ani = Doc(), user("ani")
    assert recorded(doc, ani, "x" * 150) is doc
    assert (doc._history_user, doc._change_reason) == (ani, "x" * HISTORY_REASON_MAX)  # type: ignore[attr-defined]
    system = recorded(Doc(), None)
    assert not hasattr(system, "_history_user") and not hasattr(system, "_change_reason")
