"""The scheduler's side: APScheduler as the clock (clock.py) and the tasks each tick runs
(tasks.py). The database holds what is due; a process that was down simply finds it due."""
