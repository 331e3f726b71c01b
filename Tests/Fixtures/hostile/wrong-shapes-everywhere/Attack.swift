// No attack: this fixture is an honest bug (see fixture.json).
func hostileAttack() throws {}
