"""The review screen: one full-screen prompt-toolkit Application with a fixed layout.

    header · question (or story and facet) · what was typed so far
    pane: the reveal, help, the orientation, or the stories to pick from (fills the middle)
    message line(s)
    the prompt row: a text prompt, or the grade line / a y-n question
    hints: the keys that work at this prompt
    toolbar: progress, elapsed time

The drill itself is a generator (see ui/daily.py) that yields what it wants next, an `Ask`
for a line of text or a `Choose` for one key, and gets the answer sent back. It is stepped
inside the key handler that finishes the input, so keys typed ahead (a pipe in the tests, a
fast typist) always land on the prompt they were meant for. Nothing here decides anything.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field

from prompt_toolkit.application import Application
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.completion import Completer, FuzzyCompleter
from prompt_toolkit.data_structures import Point
from prompt_toolkit.filters import Condition
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.key_binding.bindings.basic import load_basic_bindings
from prompt_toolkit.key_binding.bindings.cpr import load_cpr_bindings
from prompt_toolkit.key_binding.bindings.emacs import load_emacs_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import (
    ConditionalContainer,
    Float,
    FloatContainer,
    HSplit,
    Layout,
    VSplit,
    Window,
)
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl, UIContent, UIControl
from prompt_toolkit.layout.dimension import Dimension
from prompt_toolkit.layout.menus import CompletionsMenu

from drill.ui.reveal import Line, page, plain, wrap
from drill.ui.terminal import STYLE, Quit

QUIT_WORDS = {"q", "quit", ":q"}
CHOICE_KEYS = "1234ahgeusEfrqyn?"
MESSAGE_LINES = 4  # the newest messages shown above the prompt


@dataclass
class Ask:
    """A line of text. Enter sends it; a lone q quits, a lone ? toggles help."""

    label: str
    completer: Completer | None = None
    hints: str = "Enter skips · ? help · q quit"


@dataclass
class Choose:
    """One key among `keys` ("enter" for Enter)."""

    label: Line
    keys: list[str]
    hints: Line = field(default_factory=list)


Flow = Generator["Ask | Choose", "str", None]


def fit_keys(line: Line, width: int) -> Line:
    """A line of keys (pieces parted by two spaces) cut to `width` between pieces, never
    inside one: a key whose label is cut off reads as a key that is not there."""
    out: Line = []
    piece: Line = []
    used = 0
    for fragment in [*line, ("", "  ")]:
        if fragment[1] == "  " and piece:
            size = len(plain([piece])) + (2 if out else 0)
            if used + size > width:
                return out or piece  # one piece too wide for the window: it clips it
            out += ([("", "  ")] if out else []) + piece
            used, piece = used + size, []
        elif fragment[1] != "  ":
            piece.append(fragment)
    return out


class FitControl(UIControl):
    """Lines from a function of the room the window got: content is fitted, never scrolled."""

    def __init__(self, render: Callable[[int, int], list[Line]]):
        self.render = render

    def create_content(self, width: int, height: int | None) -> UIContent:
        lines = self.render(width, height or 1000)
        return UIContent(
            get_line=lambda i: lines[i] if i < len(lines) else [],
            line_count=len(lines),
            cursor_position=Point(0, 0),
            show_cursor=False,
        )

    def is_focusable(self) -> bool:
        return False


class ReviewScreen:
    def __init__(self, input=None, output=None, refresh: float = 0.5):
        self.top: Callable[[int], list[Line]] = lambda width: []
        self.pane: Callable[[int, int], list[Line]] = lambda width, height: []
        self.toolbar: Callable[[], str] = lambda: ""
        self.help_text = ""
        self.help_visible = False
        self.pager: tuple[str, str] | None = None  # (title, text) shown over everything
        self.pager_offset = 0
        self.messages: list[Line] = []
        self.transcript: list[str] = []  # what was shown, as plain text (for tests and logs)
        self.request: Ask | Choose | None = None
        self.flow: Flow | None = None
        self.quit = False
        self.buffer = Buffer(
            multiline=False,
            complete_while_typing=True,
            accept_handler=self._accept,
        )
        self.app = self._build(input, output, refresh)

    # --- what the flow calls --------------------------------------------------------------

    def say(self, *lines: Line | str) -> None:
        """A message above the prompt, kept until the next answer."""
        for line in lines:
            fragments = [("", line)] if isinstance(line, str) else line
            self.messages.append(fragments)
            self.transcript.append(plain([fragments]))

    def show(self, top: Callable[[int], list[Line]], pane=None) -> None:
        """New content for the top area and the pane; both are rendered to fit."""
        self.top = top
        self.pane = pane or (lambda width, height: [])
        width, height = self.size()
        self.transcript.append(plain(top(width)))
        self.transcript.append(plain(self.pane(width, height)))

    def show_pane(self, pane: Callable[[int, int], list[Line]]) -> None:
        self.pane = pane
        width, height = self.size()
        self.transcript.append(plain(pane(width, height)))

    def open_pager(self, title: str, text: str) -> None:
        self.pager = (title, text)
        self.pager_offset = 0
        self.transcript.append(f"{title}\n{text}")

    def run_outside(self, func: Callable[[], object]) -> object:
        """Run `func` (an editor) on the plain terminal, then draw the screen again."""
        app = self.app
        app.renderer.erase()
        try:
            with app.input.detach(), app.input.cooked_mode():
                return func()
        finally:
            app.renderer.reset()
            app.invalidate()

    def size(self) -> tuple[int, int]:
        try:
            size = self.app.output.get_size()
            return max(20, size.columns), max(8, size.rows)
        except Exception:  # an output that cannot tell its size
            return 80, 24

    # --- running ----------------------------------------------------------------------------

    def run(self, flow: Flow) -> None:
        """Step `flow` until it ends or the user quits; every step's effects are already
        committed by the flow, so leaving at any key loses nothing."""
        self.flow = flow
        self.app.run(pre_run=lambda: self._step(None))

    def _step(self, value: str | None) -> None:
        assert self.flow is not None
        try:
            request = next(self.flow) if value is None else self.flow.send(value)
        except StopIteration:
            self.app.exit()
            return
        except Quit:
            self._quit()
            return
        except BaseException as exc:  # shown by the CLI's error boundary, not the event loop
            self.flow = None
            self.app.exit(exception=exc)
            return
        self.request = request
        self.buffer.reset()
        self.buffer.completer = (
            FuzzyCompleter(request.completer)
            if isinstance(request, Ask) and request.completer
            else None
        )
        self.transcript.append(
            request.label if isinstance(request, Ask) else plain([request.label, request.hints])
        )

    def _answer(self, value: str) -> None:
        self.messages = []
        self._step(value)

    def _quit(self) -> None:
        if self.quit:  # a second Ctrl-C while leaving
            return
        self.quit = True
        if self.flow is not None:
            self.flow.close()
        self.app.exit()

    def _toggle_help(self) -> None:
        self.help_visible = not self.help_visible
        if self.help_visible:
            self.transcript.append(self.help_text)

    def _accept(self, buffer: Buffer) -> bool:
        text = buffer.text
        if text.strip().lower() in QUIT_WORDS:
            self._quit()
        elif text.strip() == "?":
            buffer.reset()
            self._toggle_help()
        else:
            self.help_visible = False
            self._answer(text)
        return True  # the buffer is reset by the next request

    # --- layout and keys --------------------------------------------------------------------

    def _build(self, input, output, refresh: float) -> Application:
        asking = Condition(lambda: isinstance(self.request, Ask))
        paging = Condition(lambda: self.pager is not None)

        def label():
            if isinstance(self.request, Ask):
                return [("class:prompt", self.request.label)]
            if isinstance(self.request, Choose):
                return self.request.label
            return []

        def hints(width: int, height: int) -> list[Line]:
            if self.pager is not None:
                return [[("class:dim", "↑ ↓ Space scroll · Esc closes · q quits")]]
            if isinstance(self.request, Ask):
                return [[("class:dim", self.request.hints)]]
            if isinstance(self.request, Choose):
                return [fit_keys(self.request.hints, width)]
            return []

        def top(width: int, height: int) -> list[Line]:
            return self.top(width)

        def top_height() -> Dimension:
            width, rows = self.size()
            return Dimension.exact(min(len(self.top(width)), max(3, rows // 2)))

        def pane(width: int, height: int) -> list[Line]:
            if self.help_visible:
                text = self.help_text.splitlines()
                lines = [[("class:heading", "Help")], *([("", t[:width])] for t in text)]
                return [*lines[: height - 1], [("class:dim", "Esc or ? closes the help")]]
            return self.pane(width, height)

        def messages(width: int, height: int) -> list[Line]:
            lines: list[Line] = []
            for line in self.messages:
                text = plain([line])
                if len(text) <= width:
                    lines.append(line)
                else:  # a long message wraps, in the style of its first fragment
                    style = line[0][0] if line else ""
                    lines += [[(style, part)] for part in wrap(text, width)]
            return lines[-MESSAGE_LINES:]

        def message_height() -> Dimension:
            return Dimension.exact(len(messages(self.size()[0], MESSAGE_LINES)))

        def pager(width: int, height: int) -> list[Line]:
            title, text = self.pager or ("", "")
            body, self.pager_offset = page(text, width, height - 2, self.pager_offset)
            body += [[]] * (height - 2 - len(body))
            footer = "↑ ↓ PgUp PgDn Space scroll · Esc closes · q quits"
            return [[("class:heading", title[:width])], *body, [("class:dim", footer[:width])]]

        body = HSplit(
            [
                Window(FitControl(top), height=top_height),
                Window(FitControl(pane)),
                Window(FitControl(messages), height=message_height),
                VSplit(
                    [
                        Window(FormattedTextControl(label), dont_extend_width=True),
                        Window(BufferControl(self.buffer)),
                    ],
                    height=1,
                ),
                Window(FitControl(hints), height=1),
                Window(
                    FormattedTextControl(lambda: self.toolbar()),
                    height=1,
                    style="class:bottom-toolbar",
                ),
            ]
        )
        root = FloatContainer(
            body,
            floats=[
                Float(
                    xcursor=True,
                    ycursor=True,
                    content=CompletionsMenu(max_height=8, scroll_offset=1),
                ),
                Float(
                    top=0,
                    left=0,
                    right=0,
                    bottom=1,
                    content=ConditionalContainer(
                        Window(FitControl(pager), style="class:pager"), filter=paging
                    ),
                ),
            ],
        )
        return Application(
            layout=Layout(root, focused_element=self.buffer),
            # line editing (basic + emacs) and the terminal's replies; no vi, mouse or search
            key_bindings=merge_key_bindings(
                [
                    load_basic_bindings(),
                    load_emacs_bindings(),
                    load_cpr_bindings(),
                    self._bindings(asking),
                ]
            ),
            style=STYLE,
            full_screen=True,
            input=input,
            output=output,
            refresh_interval=refresh,
        )

    def _bindings(self, asking) -> KeyBindings:
        bindings = KeyBindings()
        choosing = Condition(lambda: isinstance(self.request, Choose))
        paging = Condition(lambda: self.pager is not None)

        @bindings.add("c-c", eager=True)
        @bindings.add("c-d", eager=True)
        def _(event) -> None:
            self._quit()

        @bindings.add("escape", eager=True)
        def _(event) -> None:
            if self.pager is not None:
                self.pager = None
            elif self.buffer.complete_state is not None:
                self.buffer.cancel_completion()
            else:
                self.help_visible = False

        @bindings.add("enter", filter=asking & ~paging)
        def _(event) -> None:
            self.buffer.validate_and_handle()

        for key, step in (("up", -1), ("down", 1), ("pageup", -10), ("pagedown", 10), (" ", 10)):

            def scroll(event, step=step) -> None:
                self.pager_offset = max(0, self.pager_offset + step)

            bindings.add(key, filter=paging)(scroll)

        @bindings.add(Keys.Any, filter=paging)
        @bindings.add("enter", filter=paging)
        def _(event) -> None:
            key = event.key_sequence[0].key
            if key == "q":
                self._quit()
            elif key in ("f", "r"):
                self.pager = None

        def choose(event) -> None:
            key = event.key_sequence[0].key
            key = "enter" if key in (Keys.ControlM, Keys.ControlJ) else key
            if key == "q":
                self._quit()
            elif key == "?":
                self._toggle_help()
            elif isinstance(self.request, Choose) and key in self.request.keys:
                self.help_visible = False
                self._answer(key)
            # any other key (or a terminal's reply to a query) does nothing

        # Each key by name too: a bare <any> loses to the defaults' bindings for single keys.
        for key in (Keys.Any, "enter", *CHOICE_KEYS):
            bindings.add(key, filter=choosing & ~paging)(choose)
        return bindings
