"""Organisations, people, roles, enforcement certificates, recording devices and rooms."""
