"""Every action_id, callback_id and block_id Parley uses. Never rename a published value:
old messages in Slack keep their buttons forever."""

# Slash command
COMMAND = "/dispute"

# Callback ids (modals)
OPEN_DISPUTE_MODAL = "dispute_open"

# Action ids (buttons and inputs)
RAISE_DISPUTE = "dispute_raise"
OPEN_THREAD_LINK = "dispute_open_thread"

# Block ids and input action ids of the "Raise a dispute" modal
B_TITLE, A_TITLE = "title", "title_input"
B_PARTIES, A_PARTIES = "parties", "parties_input"
B_CATEGORY, A_CATEGORY = "category", "category_input"
B_HAPPENED, A_HAPPENED = "happened", "happened_input"
B_OUTCOME, A_OUTCOME = "outcome", "outcome_input"
B_AMOUNT, A_AMOUNT = "amount", "amount_input"
B_CURRENCY, A_CURRENCY = "currency", "currency_input"
