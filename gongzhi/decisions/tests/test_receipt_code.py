"""Receipt codes (four groups of four letters of the unambiguous alphabet, 80 random bits)
and the per-process count of votes that calls the sequencer."""

from __future__ import annotations

import re
from collections import Counter

from gongzhi.decisions.services import RECEIPT_ALPHABET, new_receipt_code


def test_receipt_codes_have_the_printed_form_and_do_not_repeat():
    codes = [new_receipt_code() for _ in range(2000)]
    letters = re.escape(RECEIPT_ALPHABET)
    assert all(re.fullmatch(f"[{letters}]{{4}}(-[{letters}]{{4}}){{3}}", c) for c in codes)
    assert len(set(codes)) == len(codes)


def test_every_letter_is_drawn_at_every_position():
    counts = [Counter() for _ in range(16)]
    for _ in range(4000):
        for i, ch in enumerate(new_receipt_code().replace("-", "")):
            counts[i][ch] += 1
    for position in counts:
        assert set(position) == set(RECEIPT_ALPHABET)
        # 4000 draws over 32 letters: 125 expected; a biased position would fall far out
        assert min(position.values()) > 60 and max(position.values()) < 200


def test_each_process_hands_a_ballot_to_the_sequencer_after_each_batch_of_its_votes():
    from gongzhi.decisions.services import _Tally

    one, other = _Tally(), _Tally()  # two web processes
    assert [one.add(7, 3) for _ in range(7)] == [False, False, True, False, False, True,
                                                 False]
    assert [other.add(7, 3) for _ in range(2)] == [False, False]  # counted apart
    assert one.add(8, 1) is True  # an open ballot: every vote (batch 1)
