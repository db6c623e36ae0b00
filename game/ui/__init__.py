"""Widgets drawn with pygame: text, bubbles, the chat box, the HUD."""
