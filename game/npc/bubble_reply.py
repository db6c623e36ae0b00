"""Show a brain's reply in a speech bubble: the callbacks side of the brain protocol.

``brain.ask(text, context, BubbleReply(bubble))`` makes the bubble think ("…"),
type the tokens as they stream in, and read and fade when the reply ends; an
error shows the brain's apology instead. To drop a stale reply, cancel its
``ReplyRequest`` (nothing more reaches these callbacks) and ``bubble.hide()``.
"""

from __future__ import annotations

from collections.abc import Callable

from game.widgets.bubble import SpeechBubble

__all__ = ["BubbleReply"]


class BubbleReply:
    """:class:`~game.npc.brain.ReplyCallbacks` that drive a :class:`SpeechBubble`.

    ``think_time`` is the least time the "…" shows, in game seconds;
    ``on_done(text)`` is called with the final text, e.g. to add it to the
    conversation log: the reply, and the apology too unless ``on_failed(message)``
    is given, which then receives the apologies instead.
    """

    def __init__(
        self,
        bubble: SpeechBubble,
        *,
        think_time: float = 0.4,
        on_done: Callable[[str], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
    ) -> None:
        self.bubble = bubble
        self.think_time = think_time
        self.on_done = on_done
        self.on_failed = on_failed

    def on_start(self) -> None:
        """Show the thinking bubble."""
        self.bubble.think(self.think_time)

    def on_token(self, token: str) -> None:
        """Stream the token into the bubble."""
        self.bubble.append(token)

    def on_end(self, text: str) -> None:
        """The reply is complete: the bubble types the rest, then reads and fades."""
        self.bubble.finish(text)
        if self.on_done is not None:
            self.on_done(text)

    def on_error(self, message: str) -> None:
        """Show the apology instead of the reply."""
        self.bubble.finish(message)
        report = self.on_failed if self.on_failed is not None else self.on_done
        if report is not None:
            report(message)
