"""A small wrapper over prompt-toolkit: print, ask a line, ask a key, all with one toolbar."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.completion import Completer, Completion, FuzzyCompleter
from prompt_toolkit.formatted_text import HTML, FormattedText
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.styles import Style

STYLE = Style.from_dict(
    {
        "bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
        "question": "bold",
        "dim": "#888888",
        "ok": "#5fd75f bold",
        "miss": "#ff5f5f bold",
        "key": "bold #5fafff",
        "heading": "bold underline",
        "warn": "#ffaf00",
    }
)


class Quit(Exception):
    """The user asked to leave (q, Ctrl-C or Ctrl-D); `text` is what was typed so far."""

    def __init__(self, text: str = ""):
        super().__init__(text)
        self.text = text


def _quit_bindings(help_text: Callable[[], str] | None, say) -> KeyBindings:
    """What every text prompt shares: a lone q + Enter, Ctrl-C and Ctrl-D quit (keeping the
    text typed so far on the exception); ? on an empty prompt prints help above it."""
    from prompt_toolkit.application import run_in_terminal
    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.filters import Condition

    bindings = KeyBindings()

    @Condition
    def lone_q() -> bool:
        return get_app().current_buffer.text.strip() == "q"

    @Condition
    def empty() -> bool:
        return not get_app().current_buffer.text

    @bindings.add("enter", filter=lone_q, eager=True)
    def _q(event) -> None:
        event.app.exit(exception=Quit())

    @bindings.add("c-c", eager=True)
    @bindings.add("c-d", eager=True)
    def _quit(event) -> None:
        event.app.exit(exception=Quit(event.current_buffer.text))

    if help_text is not None:

        @bindings.add("?", filter=empty, eager=True)
        def _help(event) -> None:
            run_in_terminal(lambda: say(help_text()))

    return bindings


class StoryCompleter(Completer):
    """Story ids with their summaries, in the order given (best tag overlap first)."""

    def __init__(self, stories: Iterable):
        self.stories = list(stories)

    def get_completions(self, document, complete_event):
        if not document.text.strip() and not complete_event.completion_requested:
            # an empty prompt lists the stories on Tab only: a completion still running
            # from the line just sent would otherwise open over the message about it
            return
        for story in self.stories:
            yield Completion(story.id, start_position=-len(document.text), display_meta=story.label)


class Terminal:
    def __init__(self, input=None, output=None, toolbar: Callable[[], str] | None = None):
        self.input = input
        self.output = PromptSession(input=input, output=output).output
        self.toolbar = toolbar
        self.refresh: float = 0.5
        self.help: Callable[[], str] | None = None  # what ? shows, at every prompt

    def _session(self) -> PromptSession:
        # A fresh session per prompt: PromptSession keeps the key bindings and completer of
        # the previous call when a later call passes None.
        return PromptSession(input=self.input, output=self.output)

    def width(self) -> int:
        try:
            return max(40, self.output.get_size().columns)
        except Exception:  # an output that cannot tell its size
            return 80

    def wrap(self, text: str, indent: str = "") -> str:
        """Word-wrap plain text to the terminal, keeping paragraphs and list lines."""
        import textwrap

        width = self.width() - 1
        return "\n".join(
            textwrap.fill(
                line,
                width,
                initial_indent=indent,
                subsequent_indent=indent,
                break_on_hyphens=False,  # ids such as technical-decision stay whole
            )
            if line.strip()
            else ""
            for line in text.splitlines()
        )

    def say(self, text: str | HTML | FormattedText = "") -> None:
        if isinstance(text, str):  # a plain line longer than the terminal breaks at a word
            import textwrap

            width = self.width() - 1
            text = "\n".join(
                textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
                if len(line) > width
                else line
                for line in text.split("\n")
            )
        print_formatted_text(text, output=self.output, style=STYLE)

    def _toolbar(self):
        return self.toolbar() if self.toolbar else None

    def ask(
        self,
        message: str | HTML,
        completer: Completer | None = None,
        default: str = "",
        multiline: bool = False,
        key_bindings: KeyBindings | None = None,
        help: str | None = None,
        fuzzy: bool = True,
    ) -> str:
        """A line of input. A lone q, Ctrl-C and Ctrl-D raise Quit (with the text typed so
        far); ? on an empty line shows `help` (or the terminal's) and keeps asking."""
        from prompt_toolkit.key_binding import merge_key_bindings

        shown = (lambda: help) if help else self.help
        bindings = _quit_bindings(shown, self.say)
        if key_bindings is not None:
            bindings = merge_key_bindings([key_bindings, bindings])
        try:
            text = self._session().prompt(
                message,
                completer=FuzzyCompleter(completer) if completer and fuzzy else completer,
                complete_while_typing=completer is not None,
                default=default,
                multiline=multiline,
                bottom_toolbar=self._toolbar if self.toolbar else None,
                refresh_interval=self.refresh,
                style=STYLE,
                key_bindings=bindings,
            )
        except (KeyboardInterrupt, EOFError):
            raise Quit from None
        if text.strip() == "q":
            raise Quit
        return text

    def key(self, message: str | HTML, keys: Iterable[str]) -> str:
        """One key press among `keys` ("enter" for Enter); q, Ctrl-C and Ctrl-D quit; ? prints
        the terminal's help above the prompt unless the caller takes ? itself."""
        from prompt_toolkit.application import run_in_terminal

        keys = list(keys)
        bindings = KeyBindings()
        help_text = self.help
        if help_text is not None and "?" not in keys:

            @bindings.add("?", eager=True)
            def _help(event) -> None:
                run_in_terminal(lambda: self.say(help_text()))

        def bind(key: str, result: str) -> None:
            @bindings.add(key, eager=True)
            def _(event) -> None:
                event.app.exit(result=result)

        for key in keys:
            bind("c-m" if key == "enter" else key, key)
        for key in ("q", "c-c", "c-d"):
            bind(key, "q")

        @bindings.add("<any>")
        def _ignore(event) -> None:
            """Other keys do nothing; they must not end the prompt (nor may a CPR reply)."""

        result = self._session().prompt(
            message,
            key_bindings=bindings,
            bottom_toolbar=self._toolbar if self.toolbar else None,
            refresh_interval=self.refresh,
            style=STYLE,
        )
        if result == "q":
            raise Quit
        return result


def pick_story(term: Terminal, stories: list, message: str = "Story> "):
    """Ask which story answers; Tab completes, best match first; Enter alone gives up. A name
    that matches nothing, or more than one story, asks again: it is never taken as a pick."""
    from drill.grading import resolve_story, unmatched

    while True:
        typed = term.ask(message, completer=StoryCompleter(stories))
        if not typed.strip():
            return None
        story, options = resolve_story(typed, stories)
        if story is not None:
            return story
        why = unmatched(typed, options, stories)
        why += "" if why.endswith("?") else "."
        term.say(term.wrap(f"{why} Try again (Tab lists them, Enter gives up)."))
