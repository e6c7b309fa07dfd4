"""Pure computations for participation equity and loop KPIs (no Django)."""
