"""Widgets drawn with pygame: cached text, fonts, bubbles, buttons, chat box, HUD, panels."""
