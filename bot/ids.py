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

# Thread actions (on the status card)
SHARE_PERSPECTIVE = "dispute_share_perspective"
PROPOSE = "dispute_propose"
ADD_PARTY = "dispute_add_party"  # old cards; new ones offer it in CARD_MORE
CARD_MORE = "dispute_more"  # the card's overflow menu: rarer actions (bot/slack/listeners/card.py)
HOW_TO_CHECK = "agreement_how_to_check"  # the verification details, privately

# Proposal message actions
ACCEPT_PROPOSAL = "proposal_accept"
COUNTER_PROPOSAL = "proposal_counter"
DECLINE_PROPOSAL = "proposal_decline"
WITHDRAW_PROPOSAL = "proposal_withdraw"  # a button on old messages, an overflow option on new
ADD_ITEM_ROW = "proposal_add_item"

# Modals
PERSPECTIVE_MODAL = "perspective_submit"
PROPOSAL_MODAL = "proposal_submit"
DECLINE_MODAL = "proposal_decline_submit"
ADD_PARTY_MODAL = "party_add_submit"

# Perspective modal inputs
B_P_HAPPENED, A_P_HAPPENED = "p_happened", "p_happened_input"
B_P_IMPACT, A_P_IMPACT = "p_impact", "p_impact_input"
B_P_RESOLUTION, A_P_RESOLUTION = "p_resolution", "p_resolution_input"
B_P_ACK, A_P_ACK = "p_ack", "p_ack_input"

# Proposal modal inputs (action item rows are numbered: item_text_0, item_owner_0, item_due_0 …)
B_PR_SUMMARY, A_PR_SUMMARY = "pr_summary", "pr_summary_input"
B_PR_DETAILS, A_PR_DETAILS = "pr_details", "pr_details_input"
B_PR_REMEDY, A_PR_REMEDY = "pr_remedy", "pr_remedy_input"
B_PR_AMOUNT, A_PR_AMOUNT = "pr_amount", "pr_amount_input"
B_PR_CURRENCY, A_PR_CURRENCY = "pr_currency", "pr_currency_input"
B_ITEM_TEXT, A_ITEM_TEXT = "item_text_{}", "item_text_input"
B_ITEM_OWNER, A_ITEM_OWNER = "item_owner_{}", "item_owner_input"
B_ITEM_DUE, A_ITEM_DUE = "item_due_{}", "item_due_input"
B_ITEM_ACTIONS = "items_actions"

# Decline and add-party modal inputs
B_DECLINE_REASON, A_DECLINE_REASON = "decline_reason", "decline_reason_input"
B_NEW_PARTIES, A_NEW_PARTIES = "new_parties", "new_parties_input"

# Agreements
DRAFT_AGREEMENT = "agreement_draft"
EDIT_AGREEMENT = "agreement_edit"
APPROVE_AGREEMENT = "agreement_approve"
REQUEST_CHANGES = "agreement_request_changes"
ADD_AGREEMENT_ITEM_ROW = "agreement_add_item"
AGREEMENT_MODAL = "agreement_submit"
CHANGES_MODAL = "agreement_changes_submit"
B_AG_TERMS, A_AG_TERMS = "ag_terms", "ag_terms_input"
B_AG_AMOUNT, A_AG_AMOUNT = "ag_amount", "ag_amount_input"
B_AG_CURRENCY, A_AG_CURRENCY = "ag_currency", "ag_currency_input"
B_AG_CHECKINS, A_AG_CHECKINS = "ag_checkins", "ag_checkins_input"
B_AG_DUE_CHECKINS, A_AG_DUE_CHECKINS = "ag_due_checkins", "ag_due_checkins_input"
B_CHANGES, A_CHANGES = "changes", "changes_input"

# Check-ins and what follows them
CHECKIN_DONE = "checkin_done"
CHECKIN_PARTLY = "checkin_partly"
CHECKIN_NOT_YET = "checkin_not_yet"
CONFIRM_RESOLVED = "dispute_confirm_resolved"
NOT_RESOLVED = "dispute_not_resolved"
NEW_DATE = "item_new_date"
REOPEN = "dispute_reopen"
REQUEST_MEDIATOR = "dispute_request_mediator"
GIVE_FEEDBACK = "dispute_feedback"
NEW_DATE_MODAL = "item_new_date_submit"
FEEDBACK_MODAL = "feedback_submit"
B_NEW_DATE, A_NEW_DATE = "new_date", "new_date_input"
B_RATING, A_RATING = "rating", "rating_input"
B_COMMENT, A_COMMENT = "comment", "comment_input"

# Closing, lessons learned
CLOSE_DISPUTE = "dispute_close"
CLOSE_MODAL = "dispute_close_submit"
RECORD_LESSONS = "dispute_lessons"
LESSONS_MODAL = "dispute_lessons_submit"
B_CLOSE_REASON, A_CLOSE_REASON = "close_reason", "close_reason_input"
B_ROOT_CAUSE, A_ROOT_CAUSE = "root_cause", "root_cause_input"
B_CHANGE, A_CHANGE = "what_to_change", "what_to_change_input"
B_LESSON_OWNER, A_LESSON_OWNER = "lesson_owner", "lesson_owner_input"

# Mediation
ASK_MEDIATOR = "dispute_ask_mediator"
MEDIATOR_MODAL = "dispute_mediator_submit"
ACCEPT_MEDIATOR = "mediator_accept"  # the other side accepts the person asked for
DECLINE_MEDIATOR = "mediator_decline"
B_MEDIATOR_LISTED, A_MEDIATOR_LISTED = "mediator_listed", "mediator_listed_input"
B_MEDIATOR_ANYONE, A_MEDIATOR_ANYONE = "mediator_anyone", "mediator_anyone_input"
B_MEDIATOR_REASON, A_MEDIATOR_REASON = "mediator_reason", "mediator_reason_input"
B_MEDIATOR_NOTE, A_MEDIATOR_NOTE = "mediator_note", "mediator_note_input"

# Settings
SETTINGS_MODAL = "settings_submit"
B_S_SCOPE, A_S_SCOPE = "s_scope", "s_scope_input"
B_S_CHECKINS, A_S_CHECKINS = "s_checkins", "s_checkins_input"
B_S_NUDGE, A_S_NUDGE = "s_nudge", "s_nudge_input"
B_S_AGREEMENT, A_S_AGREEMENT = "s_agreement", "s_agreement_input"
B_S_ESCALATION, A_S_ESCALATION = "s_escalation", "s_escalation_input"
B_S_MEDIATORS, A_S_MEDIATORS = "s_mediators", "s_mediators_input"
B_S_SEAL, A_S_SEAL = "s_seal", "s_seal_input"
B_S_APPROVALS, A_S_APPROVALS = "s_approvals", "s_approvals_input"
B_S_PROVIDER, A_S_PROVIDER = "s_provider", "s_provider_input"
B_S_SETTLE, A_S_SETTLE = "s_settle", "s_settle_input"
B_S_STEP, A_S_STEP = "s_step", "s_step_input"
B_S_ANSWER, A_S_ANSWER = "s_answer", "s_answer_input"
B_S_APPROVE, A_S_APPROVE = "s_approve", "s_approve_input"
B_S_LANGUAGE, A_S_LANGUAGE = "s_language", "s_language_input"
CALENDAR_START = "settings_calendar_start"  # the settings modal's "Working days, hours and holidays…"
CALENDAR_MODAL = "settings_calendar_submit"
B_C_ZONE, A_C_ZONE = "c_zone", "c_zone_input"
B_C_COUNTRY, A_C_COUNTRY = "c_country", "c_country_input"
B_C_REGION, A_C_REGION = "c_region", "c_region_input"
B_C_DAYS, A_C_DAYS = "c_days", "c_days_input"
B_C_START, A_C_START = "c_start", "c_start_input"
B_C_END, A_C_END = "c_end", "c_end_input"
ERASE_START = "settings_erase_start"  # the settings modal's "Delete this workspace's data…"
ERASE_MODAL = "settings_erase_submit"
B_ERASE_SURE, A_ERASE_SURE = "erase_sure", "erase_sure_input"

# Evidence (bot/slack/listeners/evidence.py)
ADD_EVIDENCE = "dispute_add_evidence"  # the card's button
EVIDENCE_MODAL = "evidence_submit"
EVIDENCE_SHORTCUT = "evidence_add_message"  # the message shortcut "Add to a dispute" (manifest.json)
MESSAGE_EVIDENCE_MODAL = "evidence_message_submit"
B_EV_FILES, A_EV_FILES = "ev_files", "ev_files_input"
B_EV_LINK, A_EV_LINK = "ev_link", "ev_link_input"
B_EV_NOTE, A_EV_NOTE = "ev_note", "ev_note_input"
B_EV_DISPUTE, A_EV_DISPUTE = "ev_dispute", "ev_dispute_input"
B_P_FILES, A_P_FILES = "p_files", "p_files_input"  # the perspective form's files
B_PR_FILES, A_PR_FILES = "pr_files", "pr_files_input"  # the proposal form's files

# Settling the amount privately: sealed offers (bot/slack/listeners/settlements.py)
SETTLE_ASK_MODAL = "settle_ask_submit"  # the card menu's "Settle the amount privately" opens it
SETTLE_FROM_PROPOSAL = "settle_from_proposal"  # … as does this button in the proposal form
SETTLE_JOIN = "settle_join"
SETTLE_DECLINE = "settle_decline"
SETTLE_LIMIT = "settle_limit"  # opens the limit form, for a side's approver
SETTLE_LIMIT_MODAL = "settle_limit_submit"
SETTLE_WITHDRAW = "settle_withdraw"
B_ST_PAYER, A_ST_PAYER = "st_payer", "st_payer_input"
B_ST_AMOUNT, A_ST_AMOUNT = "st_amount", "st_amount_input"
B_ST_CURRENCY, A_ST_CURRENCY = "st_currency", "st_currency_input"
B_ST_LIMIT, A_ST_LIMIT = "st_limit", "st_limit_input"
B_ST_SUMMARY, A_ST_SUMMARY = "st_summary", "st_summary_input"  # asked from the proposal form:
B_ST_DETAILS, A_ST_DETAILS = "st_details", "st_details_input"  # its words, which go with the
B_ST_REMEDY, A_ST_REMEDY = "st_remedy", "st_remedy_input"  # settled amount
