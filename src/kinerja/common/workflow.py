"""The workflow engine: a table of states and steps, and an event recorder.

One `Workflow` per kind of object (strategy maps, realizations, and the
contracts and campaigns to come) lists its `Step`s: the states a step starts
from, the state it leads to, the permission (asked of the permission layer
with the object), whether a reason is required, and the guards that may stop
it now. The engine answers the questions every page, API and service asks:

- `problem(obj, action, actor)`: why may this step not happen now? (or None)
- `allowed(obj, actor)`: {action: may the actor take it now}, for the buttons;
- `ensure(obj, action, actor)`: raise `PermissionDenied` or `ValidationError`;
- `apply(obj, action, by=…)`: move the state, save with its author, record the event;
- `run(obj, action, by=…)`: all of it as the services take it, on the locked row.

`actor=None` is the system (the demo, a scheduled job, an administrator's
command): it holds every permission; the states and guards still apply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .history import Actor, recorded


class Savable(Protocol):
    """What `Workflow.apply` needs of an object: a Django model, or anything saving like one."""

    def save(self, *, update_fields: Iterable[str] | None = ...) -> None: ...


S = TypeVar("S", bound=Savable)
M = TypeVar("M", bound=Model)


Guard = Callable[[Any, Actor, Mapping[str, Any]], str | None]
"""`guard(obj, actor, context)`: a reason (translated) why a step may not happen to `obj` now, or None.

`context` holds what the caller already knows (e.g. `current_evidence=2` given to
`problem`/`allowed`/`ensure`/`run`), so a guard need not count it again; it is
empty when nothing was given. `actor` is None for the system.
"""


class Recorder(Protocol):
    """Write the workflow event of a step just taken (a `StateChange`, a `WorkflowEvent` …)."""

    def __call__(
        self, obj: Any, from_state: str, to_state: str, action: str, by: Actor, reason: str, /
    ) -> None: ...


Effect = Callable[[Any, Actor, str], None]
"""What a step does besides the state, before the save: `effect(obj, by, reason)` (e.g. stamp who submitted)."""

StateMessage = Callable[[Any, "Step"], str]
"""The message when `obj`'s state is not one a step starts from: `message(obj, step)`."""


@dataclass(frozen=True)
class Step:
    """One row of the table.

    `target` is the state the step leads to, or a callable choosing it from the
    object (a returned revision goes back to 'revised', a first draft to 'draft'),
    or None for a *gate*: a state-bound permission that moves nothing (e.g.
    'change' a map while it is editable) — `problem`, `allowed` and `ensure`
    answer for it, `apply` refuses it.

    `fields` names the fields `effect` sets: they are saved with the state and
    copied back to the caller's instance by `Workflow.run`.
    `code` is the `ValidationError` code of this step's problems (default: the workflow's).
    `wrong_state` is this step's message for a state it does not start from (default: the workflow's).
    """

    action: str
    sources: frozenset[str]
    target: str | Callable[[Any], str] | None
    perm: str
    reason_required: bool = False
    guards: tuple[Guard, ...] = ()
    effect: Effect | None = None
    fields: tuple[str, ...] = ()
    code: str = ""
    wrong_state: StateMessage | None = None

    def target_for(self, obj: Any) -> str | None:
        """The state this step leads `obj` to (None for a gate)."""
        if self.target is None or isinstance(self.target, str):
            return self.target
        return self.target(obj)


def locked(obj: M, *, related: Sequence[str] = (), of: Sequence[str] = ("self",)) -> M:
    """`obj`'s row read again and locked until the end of the transaction (two approvers never race).

    Call it inside `transaction.atomic()`. Only the object's own row is locked
    (`of=("self",)`): on PostgreSQL `select_for_update()` with `select_related(…)`
    would lock the related rows too (the unit, the plan year …) and deadlock
    concurrent steps on sibling objects. SQLite has no row locks and ignores it.
    """
    manager = type(obj)._default_manager
    return manager.select_for_update(of=tuple(of)).select_related(*related).get(pk=obj.pk)


def _attname(obj: Any, name: str) -> str:
    """A model field's attribute (`submitted_by` → `submitted_by_id`), so copying it fetches nothing."""
    meta = getattr(obj, "_meta", None)
    if meta is None:
        return name
    try:
        return str(meta.get_field(name).attname)
    except (FieldDoesNotExist, AttributeError):
        return name


class Workflow:
    """The table of steps of one kind of object, read from the object's `state_field`.

    - `record`: called after each step is saved, in the same transaction, to write the event;
    - `guards`: checked for every step *before* the state (e.g. "the period is closed");
      a step's own guards are checked after the state;
    - `code`: the `ValidationError` code of a problem, `{action}` filled in (a step's `code` wins);
    - `wrong_state`: the message for a state a step does not start from (a step's own wins);
    - `reason_message`: the message when a step needing a reason gets none;
    - `permission_first`: `ensure` asks the permission before the state and guards (so a user
      without the permission learns nothing about the object); False asks it after them.
    """

    def __init__(
        self,
        *,
        state_field: str = "state",
        steps: Iterable[Step],
        record: Recorder | None = None,
        guards: Iterable[Guard] = (),
        code: str = "cannot_{action}",
        wrong_state: StateMessage | None = None,
        reason_message: str | Promise | None = None,
        permission_first: bool = True,
    ) -> None:
        self.state_field = state_field
        self.steps: dict[str, Step] = {}
        for step in steps:
            if step.action in self.steps:
                raise ValueError(f"workflow step {step.action!r} is listed twice")
            self.steps[step.action] = step
        self.record = record
        self.guards: tuple[Guard, ...] = tuple(guards)
        self.code = code
        self.wrong_state = wrong_state
        self.reason_message = reason_message
        self.permission_first = permission_first

    # ------------------------------------------------------------------ the table

    def step(self, action: str) -> Step:
        try:
            return self.steps[action]
        except KeyError:
            raise KeyError(f"no workflow step {action!r}; known: {', '.join(self.steps)}") from None

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.state_field))

    def state_label(self, obj: Any) -> str:
        """The state as people read it (the model's choice label when it has one)."""
        display = getattr(obj, f"get_{self.state_field}_display", None)
        return str(display()) if callable(display) else self.state_of(obj)

    def code_for(self, step: Step) -> str:
        return step.code or self.code.format(action=step.action)

    # ------------------------------------------------------------------ questions

    def problem(self, obj: Any, action: str, actor: Actor, **context: Any) -> str | None:
        """Why `actor` may not take `action` on `obj` now (translated), or None when it may.

        The workflow's guards first, then the state, then the step's own guards.
        The permission is not asked here (see `allowed` and `ensure`).
        """
        step = self.step(action)
        for guard in self.guards:
            found = guard(obj, actor, context)
            if found:
                return found
        if self.state_of(obj) not in step.sources:
            return self._wrong_state_message(obj, step)
        for guard in step.guards:
            found = guard(obj, actor, context)
            if found:
                return found
        return None

    def may(self, obj: Any, action: str, actor: Actor) -> bool:
        """Does the permission layer let `actor` take `action` on `obj` (the system always may)?"""
        return actor is None or bool(actor.has_perm(self.step(action).perm, obj))

    def allowed(self, obj: Any, actor: Actor, **context: Any) -> dict[str, bool]:
        """{action: may `actor` take it now} for every step: the permission and no problem."""
        return {
            action: self.may(obj, action, actor) and self.problem(obj, action, actor, **context) is None
            for action in self.steps
        }

    def ensure(self, obj: Any, action: str, actor: Actor, **context: Any) -> None:
        """`PermissionDenied` when `actor` lacks the step's permission; `ValidationError` for a problem."""
        if self.permission_first:
            self._ensure_permission(obj, action, actor)
        found = self.problem(obj, action, actor, **context)
        if found is not None:
            raise ValidationError(found, code=self.code_for(self.step(action)))
        if not self.permission_first:
            self._ensure_permission(obj, action, actor)

    def required_reason(self, action: str, reason: str) -> str:
        """The reason stripped; `ValidationError(code="reason_required")` when the step needs one and it is blank."""
        reason = (reason or "").strip()
        if self.step(action).reason_required and not reason:
            message = _("Alasan wajib diisi.") if self.reason_message is None else str(self.reason_message)
            raise ValidationError(message, code="reason_required")
        return reason

    # ------------------------------------------------------------------ taking a step

    def apply(
        self,
        obj: S,
        action: str,
        *,
        by: Actor,
        reason: str = "",
        update_fields: Iterable[str] | None = None,
    ) -> S:
        """Take `action` on `obj`: set the state, run the step's effect, save with its author, record the event.

        Call `ensure` first (on the locked row: see `locked` and `run`); this
        only re-checks the reason and that the state is one the step starts from.
        `update_fields` None saves every field; otherwise the state and the
        step's `fields` are added to it (name `updated_at` yourself when the model has one).
        """
        step = self.step(action)
        reason = self.required_reason(action, reason)
        from_state = self.state_of(obj)
        if from_state not in step.sources:
            raise ValidationError(self._wrong_state_message(obj, step), code=self.code_for(step))
        to_state = step.target_for(obj)
        if to_state is None:
            raise ValueError(f"workflow step {action!r} is a gate: it moves no state")
        setattr(obj, self.state_field, to_state)
        if step.effect is not None:
            step.effect(obj, by, reason)
        fields = None
        if update_fields is not None:
            fields = list(dict.fromkeys([self.state_field, *step.fields, *update_fields]))
        with transaction.atomic():
            recorded(obj, by, reason).save(update_fields=fields)
            if self.record is not None:
                self.record(obj, from_state, to_state, step.action, by, reason)
        return obj

    def run(
        self,
        obj: M,
        action: str,
        *,
        by: Actor,
        reason: str = "",
        related: Sequence[str] = (),
        check: Callable[[M], None] | None = None,
        update_fields: Iterable[str] | None = None,
        sync: Iterable[str] = (),
        **context: Any,
    ) -> M:
        """The whole step as a service takes it; returns `obj`, kept in step with the saved row.

        The reason, then `ensure` on `obj` (an early refusal, before any lock);
        then in one transaction: the row `locked` (with `related` loaded),
        `ensure` again on it, `check(current)` (e.g. refuse while block findings
        remain: it raises), and `apply`. The state, the step's `fields`,
        `update_fields` and `sync` are copied back to `obj`.
        """
        step = self.step(action)
        reason = self.required_reason(action, reason)
        self.ensure(obj, action, by, **context)
        fields = None if update_fields is None else tuple(update_fields)
        with transaction.atomic():
            current = locked(obj, related=related)
            self.ensure(current, action, by, **context)
            if check is not None:
                check(current)
            self.apply(current, action, by=by, reason=reason, update_fields=fields)
        for name in dict.fromkeys([self.state_field, *step.fields, *(fields or ()), *sync]):
            attname = _attname(obj, name)
            setattr(obj, attname, getattr(current, attname))
        return obj

    # ------------------------------------------------------------------ messages

    def _wrong_state_message(self, obj: Any, step: Step) -> str:
        message = step.wrong_state or self.wrong_state
        if message is not None:
            return message(obj, step)
        return _("Langkah ini tidak dapat dilakukan dari status %(state)s.") % {
            "state": self.state_label(obj)
        }

    def _ensure_permission(self, obj: Any, action: str, actor: Actor) -> None:
        if not self.may(obj, action, actor):
            raise PermissionDenied(_("Anda tidak berwenang melakukan tindakan ini."))
