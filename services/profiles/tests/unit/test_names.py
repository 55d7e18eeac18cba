"""Chapters, and the programs of a chapter, are told apart by name: staff pick them from lists of names alone."""

import pytest
from mentorship_contracts.vocabulary import TrainingStage as S
from plumbing.errors import Conflict
from profiles.domain import commands
from profiles.service_layer import handlers

from .conftest import STAFF, anyone


def program(name: str, chapter_id=None) -> commands.DefineProgram:
    return commands.DefineProgram(name=name, chapter_id=chapter_id, mentee_stages=[S.UNDERGRADUATE],
                                  mentor_stages=[S.RESIDENT])


async def test_a_chapter_named_as_another_is_refused_whatever_its_case_and_spacing(uow, chapter):
    published, audited = len(uow.published), len(uow.audited)
    for name in ("Meharry", "meharry", "  MEHARRY ", "Meharry\u00a0"):
        with pytest.raises(Conflict) as refused:
            await handlers.define_chapter(commands.DefineChapter(name, "UTC"), STAFF, uow)
        assert (refused.value.status, refused.value.code, refused.value.field) == (409, "chapter_name_taken", "name")
        assert refused.value.message == "a chapter named 'Meharry' exists already"
    assert [c.name for c in await handlers.list_chapters(uow)] == ["Meharry"]
    assert (len(uow.published), len(uow.audited)) == (published, audited)


async def test_words_spaced_alike_are_the_same_name_and_other_words_another(uow):
    await handlers.define_chapter(commands.DefineChapter("Demo Chapter", "UTC"), STAFF, uow)
    with pytest.raises(Conflict):
        await handlers.define_chapter(commands.DefineChapter("demo  chapter ", "UTC"), STAFF, uow)
    for other in ("Demo Chapters", "DemoChapter", "Demo Chapter 2"):
        await handlers.define_chapter(commands.DefineChapter(other, "UTC"), STAFF, uow)
    assert len(await handlers.list_chapters(uow)) == 4


async def test_a_chapter_is_not_renamed_as_another_but_may_keep_or_recase_its_own_name(uow, chapter):
    howard = await handlers.define_chapter(commands.DefineChapter("Howard", "America/New_York"), STAFF, uow)
    with pytest.raises(Conflict) as refused:
        await handlers.change_chapter(commands.ChangeChapter(howard.id, {"name": " meharry"}), STAFF, uow)
    assert (refused.value.code, refused.value.field) == ("chapter_name_taken", "name")
    assert (await uow.chapters.get(howard.id)).name == "Howard"

    await handlers.change_chapter(commands.ChangeChapter(howard.id, {"name": "Howard"}), STAFF, uow)
    renamed = await handlers.change_chapter(commands.ChangeChapter(howard.id, {"name": "HOWARD"}), STAFF, uow)
    assert renamed.name == "HOWARD" and uow.published[-1].name == "HOWARD"
    # A change of something else is no renaming, whatever the name.
    await handlers.change_chapter(commands.ChangeChapter(chapter.id, {"timezone": "UTC"}), STAFF, uow)


async def test_a_chapters_programs_have_names_of_their_own_which_other_chapters_and_national_programs_may_share(
        uow, chapter, vetted_program):
    howard = await handlers.define_chapter(commands.DefineChapter("Howard", "America/New_York"), STAFF, uow)
    with pytest.raises(Conflict) as refused:
        await handlers.define_program(program("into  RESIDENCY", chapter.id), STAFF, uow)
    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "program_name_taken", "name")
    assert refused.value.message == "this chapter has a program named 'Into Residency' already"

    await handlers.define_program(program("Into Residency", howard.id), STAFF, uow)
    await handlers.define_program(program("Into Residency"), STAFF, uow)
    with pytest.raises(Conflict) as national:
        await handlers.define_program(program("into residency "), STAFF, uow)
    assert national.value.message == "a national program named 'Into Residency' exists already"
    assert sorted((p.chapter_id == chapter.id, p.chapter_id == howard.id) for p in await uow.programs.list()) == [
        (False, False), (False, True), (True, False)]


async def test_a_program_is_not_renamed_as_another_of_its_chapter_but_may_recase_its_own_name(
        uow, chapter, vetted_program):
    other = await handlers.define_program(program("Into Fellowship", chapter.id), STAFF, uow)
    with pytest.raises(Conflict) as refused:
        await handlers.change_program(commands.ChangeProgram(other.id, {"name": "Into Residency"}), STAFF, uow, anyone)
    assert refused.value.code == "program_name_taken"
    assert (await uow.programs.get(other.id)).name == "Into Fellowship"

    renamed = await handlers.change_program(commands.ChangeProgram(other.id, {"name": "into fellowship"}), STAFF, uow,
                                            anyone)
    assert renamed.name == "into fellowship"
    await handlers.change_program(commands.ChangeProgram(vetted_program.id, {"name": "Into Residency", "pair_cap": 5}),
                                  STAFF, uow, anyone)
