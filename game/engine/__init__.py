"""The engine: event bus, fixed-step loop, timers, collisions, input. Knows nothing of the demo."""
