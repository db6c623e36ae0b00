"""The pygame platform under the engine: input devices, bindings, gamepads, the window."""
