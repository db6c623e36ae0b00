"""NPC chat: brains that produce replies, and the NPC that shows them."""
