"""Complaints, inquiries and suggestions (R-CMP): one desk, two SLA clocks, an escalation
ladder, feedback and root-cause analysis."""
