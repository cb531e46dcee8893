"""Cases (案件): registers of complaints, opening with approval, parties, handlers, phases."""
