"""The controlled vocabulary that events carry: training stages, roles, specialties, support areas.

It is part of the contract: a value added here is a schema change (an enum widened), checked
like any other by the compatibility check.
"""

from enum import StrEnum


class TrainingStage(StrEnum):
    HIGH_SCHOOL = "high_school"
    UNDERGRADUATE = "undergraduate"
    POST_BACCALAUREATE = "post_baccalaureate"
    MEDICAL_STUDENT_1 = "medical_student_1"
    MEDICAL_STUDENT_2 = "medical_student_2"
    MEDICAL_STUDENT_3 = "medical_student_3"
    MEDICAL_STUDENT_4 = "medical_student_4"
    RESIDENT = "resident"
    FELLOW = "fellow"
    ATTENDING = "attending"
    NURSING_STUDENT = "nursing_student"
    NURSE = "nurse"
    PA_STUDENT = "pa_student"
    PHYSICIAN_ASSISTANT = "physician_assistant"
    PHARMACY_STUDENT = "pharmacy_student"
    PHARMACIST = "pharmacist"
    DENTAL_STUDENT = "dental_student"
    DENTIST = "dentist"
    PHYSICAL_THERAPY_STUDENT = "physical_therapy_student"
    PHYSICAL_THERAPIST = "physical_therapist"
    PUBLIC_HEALTH_STUDENT = "public_health_student"
    PUBLIC_HEALTH_PROFESSIONAL = "public_health_professional"

    @property
    def rank(self) -> int:
        """Position on the one ladder of training; a mentor should stand higher than a mentee."""
        return STAGE_RANK[self]


# Students of other health professions sit beside early medical students, their practising
# professionals beside residents and fellows: far enough apart that a near-peer is one or two steps.
STAGE_RANK: dict[TrainingStage, int] = {
    TrainingStage.HIGH_SCHOOL: 0,
    TrainingStage.UNDERGRADUATE: 1,
    TrainingStage.POST_BACCALAUREATE: 2,
    TrainingStage.MEDICAL_STUDENT_1: 3,
    TrainingStage.MEDICAL_STUDENT_2: 4,
    TrainingStage.MEDICAL_STUDENT_3: 5,
    TrainingStage.MEDICAL_STUDENT_4: 6,
    TrainingStage.RESIDENT: 7,
    TrainingStage.FELLOW: 8,
    TrainingStage.ATTENDING: 9,
    TrainingStage.NURSING_STUDENT: 4,
    TrainingStage.NURSE: 7,
    TrainingStage.PA_STUDENT: 4,
    TrainingStage.PHYSICIAN_ASSISTANT: 7,
    TrainingStage.PHARMACY_STUDENT: 4,
    TrainingStage.PHARMACIST: 7,
    TrainingStage.DENTAL_STUDENT: 4,
    TrainingStage.DENTIST: 7,
    TrainingStage.PHYSICAL_THERAPY_STUDENT: 4,
    TrainingStage.PHYSICAL_THERAPIST: 7,
    TrainingStage.PUBLIC_HEALTH_STUDENT: 4,
    TrainingStage.PUBLIC_HEALTH_PROFESSIONAL: 7,
}


class Role(StrEnum):
    MENTEE = "mentee"
    MENTOR = "mentor"


class PairingKind(StrEnum):
    """What a mentorship is for. A program that offers several kinds lets a mentee hold one pairing of each
    (a clinical and a research mentor); one that offers only `general` pairs each mentee once."""

    GENERAL = "general"
    ACADEMIC = "academic"
    CLINICAL = "clinical"
    RESEARCH = "research"
    CAREER = "career"


class SupportArea(StrEnum):
    ACADEMIC_GUIDANCE = "academic_guidance"
    CLINICAL_SKILLS = "clinical_skills"
    CAREER_PLANNING = "career_planning"
    PROFESSIONAL_DEVELOPMENT = "professional_development"
    EMOTIONAL_SUPPORT = "emotional_support"
    NETWORKING = "networking"
    RESEARCH = "research"
    APPLICATIONS_AND_INTERVIEWS = "applications_and_interviews"


class Specialty(StrEnum):
    ALLERGY_IMMUNOLOGY = "allergy_immunology"
    ANESTHESIOLOGY = "anesthesiology"
    CARDIOLOGY = "cardiology"
    DERMATOLOGY = "dermatology"
    EMERGENCY_MEDICINE = "emergency_medicine"
    ENDOCRINOLOGY = "endocrinology"
    FAMILY_MEDICINE = "family_medicine"
    GASTROENTEROLOGY = "gastroenterology"
    GENERAL_SURGERY = "general_surgery"
    GERIATRICS = "geriatrics"
    HEMATOLOGY_ONCOLOGY = "hematology_oncology"
    INFECTIOUS_DISEASE = "infectious_disease"
    INTERNAL_MEDICINE = "internal_medicine"
    NEPHROLOGY = "nephrology"
    NEUROLOGY = "neurology"
    NEUROSURGERY = "neurosurgery"
    OBSTETRICS_GYNECOLOGY = "obstetrics_gynecology"
    OPHTHALMOLOGY = "ophthalmology"
    ORTHOPAEDIC_SURGERY = "orthopaedic_surgery"
    OTOLARYNGOLOGY = "otolaryngology"
    PATHOLOGY = "pathology"
    PEDIATRICS = "pediatrics"
    PHYSICAL_MEDICINE_REHABILITATION = "physical_medicine_rehabilitation"
    PLASTIC_SURGERY = "plastic_surgery"
    PSYCHIATRY = "psychiatry"
    PULMONOLOGY_CRITICAL_CARE = "pulmonology_critical_care"
    RADIATION_ONCOLOGY = "radiation_oncology"
    RADIOLOGY = "radiology"
    UROLOGY = "urology"
    VASCULAR_SURGERY = "vascular_surgery"
    PUBLIC_HEALTH = "public_health"
    NURSING = "nursing"
    PHYSICIAN_ASSISTANT = "physician_assistant"
    PHARMACY = "pharmacy"
    DENTISTRY = "dentistry"
    PHYSICAL_THERAPY = "physical_therapy"
    UNDECIDED = "undecided"
