// No code of its own: the attack is in the reported loss (see fixture.json).
func hostileAttack() throws {}
