UPDATE plans SET yearly_price_cents = NULL;
