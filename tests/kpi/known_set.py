"""A known set of dossiers, answers and payments over October and November 2026, with the
figures worked out by hand in the comments (used by the pure and the database tests)."""

import datetime as dt
from decimal import Decimal

from kpi.figures import DossierFact, PaymentFact, ProcedureFact, RatingFact

D = dt.date

PROCEDURES = [
    ProcedureFact("A", "Chuyển trường", full_process=True),
    ProcedureFact("B", "Xác nhận đang học", full_process=True),
    ProcedureFact("C", "Tiếp nhận học sinh về nước", full_process=False, partial_reason="Điều 36"),
]

# code, procedure, online, submitted, decided, due
DOSSIERS = [
    DossierFact("DOS-0", "A", True, D(2026, 9, 28), D(2026, 10, 2), D(2026, 10, 5)),  # before
    DossierFact("DOS-1", "A", True, D(2026, 10, 5), D(2026, 10, 10), D(2026, 10, 12)),
    DossierFact("DOS-2", "A", False, D(2026, 10, 20), D(2026, 11, 3), D(2026, 11, 1)),  # late
    DossierFact("DOS-3", "B", True, D(2026, 11, 2), D(2026, 11, 5), D(2026, 11, 5)),  # due day
    DossierFact("DOS-4", "B", True, D(2026, 11, 10)),
    DossierFact("DOS-5", "C", False, D(2026, 11, 15)),
    DossierFact("DOS-6", "B", True, D(2026, 12, 1)),  # after
]
# Submitted in Oct–Nov: DOS-1..5, online 1, 3, 4 → 3/5 = 60 % (Oct 1/2, Nov 2/3).
# Decided in Oct–Nov: DOS-0, 1 (Oct, on time), DOS-2 (Nov, late), DOS-3 (Nov, on time) → 3/4.

RATINGS = [
    RatingFact("DOS-0", 5, D(2026, 10, 3)),
    RatingFact("DOS-1", 4, D(2026, 10, 11)),
    RatingFact("DOS-2", 2, D(2026, 11, 4)),
    RatingFact("DOS-3", 5, D(2026, 11, 6)),
    RatingFact("", 3, D(2026, 11, 20)),  # no subject: counts overall, for no procedure
]
# Overall 5 ratings, mean 19/5 = 3.8, satisfied 3/5 = 60 % (goal 80 % not met);
# procedure A: 5, 4, 2 → mean 11/3, satisfied 2/3; B: 5 → 1/1.

PAYMENTS = [
    PaymentFact("A", D(2026, 10, 6), Decimal(120000), cashless=True),
    PaymentFact("A", D(2026, 11, 4), Decimal(120000), cashless=False),
    PaymentFact("B", D(2026, 11, 6), Decimal(250000), cashless=True),
]
# Cashless 2/3, 370,000 of 490,000 VND; October 1/1, November 1/2.

PROCEDURE_OF_DOSSIER = {d.code: d.procedure_code for d in DOSSIERS}
