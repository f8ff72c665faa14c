//! Comments and feedback: threaded comments on announcements, library items
//! and private questions to HR; reactions; reports and the moderation log;
//! response teams; and the one-click "how do you feel" tallies.
//!
//! Anonymity is a property of this schema (see docs/anonymity.md):
//! `comments.id` is drawn at random, so ids do not order comments in time;
//! an anonymous comment has no author column filled and its `created_at` is
//! the start of its day; quick reactions are counters, never rows per vote,
//! and the table of who has voted holds no vote and no time.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Comments {
    Table,
    Id,
    TargetKind,
    TargetId,
    ParentId,
    Depth,
    AuthorId,
    Anonymous,
    Official,
    IsQuestion,
    Body,
    Status,
    ModerationReason,
    FlaggedWords,
    Sentiment,
    SentimentLabel,
    CreatedAt,
    EditedAt,
    AnsweredAt,
    AnsweredBy,
    FirstResponseSeconds,
}

#[derive(DeriveIden, Clone, Copy)]
enum CommentReactions {
    Table,
    Id,
    CommentId,
    UserId,
    Emoji,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CommentReports {
    Table,
    Id,
    CommentId,
    ReporterId,
    Reason,
    CreatedAt,
    ResolvedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ModerationLog {
    Table,
    Id,
    ActorId,
    Action,
    CommentId,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ResponseTeams {
    Table,
    Id,
    AnnouncementId,
    Category,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum QuickReactionTallies {
    Table,
    Id,
    AnnouncementId,
    Day,
    Score,
    Votes,
}

#[derive(DeriveIden, Clone, Copy)]
enum QuickReactionVoters {
    Table,
    AnnouncementId,
    UserId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Comments as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(ColumnDef::new(C::Id).integer().not_null().primary_key())
                    .col(string(C::TargetKind, 20))
                    .col(int(C::TargetId))
                    .col(int_null(C::ParentId))
                    .col(int(C::Depth))
                    .col(int_null(C::AuthorId))
                    .col(flag(C::Anonymous))
                    .col(flag(C::Official))
                    .col(flag(C::IsQuestion))
                    .col(text(C::Body))
                    .col(string(C::Status, 20))
                    .col(text_null(C::ModerationReason))
                    .col(text_null(C::FlaggedWords))
                    .col(ColumnDef::new(C::Sentiment).double().not_null().default(0.0))
                    .col(string(C::SentimentLabel, 10))
                    .col(time(C::CreatedAt))
                    .col(time_null(C::EditedAt))
                    .col(time_null(C::AnsweredAt))
                    .col(int_null(C::AnsweredBy))
                    .col(ColumnDef::new(C::FirstResponseSeconds).big_integer().null())
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("idx_comments_target", C::Table, &[C::TargetKind, C::TargetId], false)).await?;
        manager.create_index(index("idx_comments_author", C::Table, &[C::AuthorId], false)).await?;
        manager.create_index(index("idx_comments_open_questions", C::Table, &[C::IsQuestion, C::AnsweredAt], false)).await?;

        use CommentReactions as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(id(R::Id))
                    .col(int(R::CommentId))
                    .col(int(R::UserId))
                    .col(string(R::Emoji, 16))
                    .col(time(R::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("idx_comment_reactions_once", R::Table, &[R::CommentId, R::UserId], true)).await?;

        use CommentReports as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(id(P::Id))
                    .col(int(P::CommentId))
                    .col(int(P::ReporterId))
                    .col(text(P::Reason))
                    .col(time(P::CreatedAt))
                    .col(time_null(P::ResolvedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("idx_comment_reports_comment", P::Table, &[P::CommentId], false)).await?;

        use ModerationLog as M;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .col(id(M::Id))
                    .col(int(M::ActorId))
                    .col(string(M::Action, 20))
                    .col(int(M::CommentId))
                    .col(text(M::Reason))
                    .col(time(M::CreatedAt))
                    .to_owned(),
            )
            .await?;

        use ResponseTeams as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(id(T::Id))
                    .col(int_null(T::AnnouncementId))
                    .col(text_null(T::Category))
                    .col(int(T::UserId))
                    .col(time(T::CreatedAt))
                    .to_owned(),
            )
            .await?;

        use QuickReactionTallies as Q;
        manager
            .create_table(
                Table::create()
                    .table(Q::Table)
                    .col(id(Q::Id))
                    .col(int(Q::AnnouncementId))
                    .col(ColumnDef::new(Q::Day).date().not_null())
                    .col(int(Q::Score))
                    .col(int(Q::Votes))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("idx_quick_reaction_tallies_cell", Q::Table, &[Q::AnnouncementId, Q::Day, Q::Score], true)).await?;

        use QuickReactionVoters as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(int(V::AnnouncementId))
                    .col(int(V::UserId))
                    .primary_key(Index::create().col(V::AnnouncementId).col(V::UserId))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["quick_reaction_voters", "quick_reaction_tallies", "response_teams", "moderation_log", "comment_reports", "comment_reactions", "comments"] {
            manager.drop_table(Table::drop().table(Alias::new(table)).to_owned()).await?;
        }
        Ok(())
    }
}
