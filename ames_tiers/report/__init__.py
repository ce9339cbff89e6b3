"""The report stage: every PNG figure, and plots/report.html answering the notebook's questions."""
