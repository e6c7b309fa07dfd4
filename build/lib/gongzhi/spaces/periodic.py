from gongzhi.core.periodic import periodic


@periodic("spaces.flag_overdue_duties", minutes=60)
def flag_overdue_duties() -> int:
    """Tell workers about maintenance duties that passed their due date (once each)."""
    from gongzhi.spaces.services import duties_flag_overdue

    return duties_flag_overdue()
