"""Every write of the surveys: templates and questions, invitations, answers."""
