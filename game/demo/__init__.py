"""The village demo: a scene made of mechanics (player, coins, hazard, conversations, ...)."""
