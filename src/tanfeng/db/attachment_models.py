"""Supporting documents (佐证材料) of a reported value or a task progress report.

The file itself lives outside the database, content-addressed by its SHA-256 (``services.attachments``);
a row says what it is, whose it is and what it supports. ``subject`` names the value
(``value:<indicator id>:<period>``) or the progress report (``task:<plan id>:<task lineage>:<period>``), so
a revised value or a newer progress report keeps its documents; the same file is stored once per
subject and unit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tanfeng.db.base import Base, UTCDateTime, utcnow


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("subject", "unit_id", "sha256"),
                      Index("ix_attachments_indicator_period", "indicator_id", "period"))

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(120), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))  # the unit whose evidence it is
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"))
    task_lineage: Mapped[str | None] = mapped_column(String(36))
    task_code: Mapped[str | None] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(255))  # as the user named it
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))  # pdf | png | jpg | docx | xlsx …: detected from the content
    content_type: Mapped[str] = mapped_column(String(100))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # withdrawn by its unit before acceptance: the row (and the file) stay, the lists leave it out
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by: Mapped[str | None] = mapped_column(String(100))
