# Source: docs/sources/uniconnect-role-management.txt, the Permissions table: the permissions
# whose purpose ends "depending on access level". The levels are own ⊂ group ⊂ all.
Feature: Access levels of the scoped permissions
  View, Update and Delete of Groups and CRM records, View/Update/Deactivate User, Audit Logs and
  Active Session act on "only own …, or group members' …, or all …" depending on the access
  level of the grant. A grant at a level includes every narrower level.

  Background:
    Given the policy set "crm"

  Scenario: View Group: only groups created by the user, or groups they belong to, or all groups
    Then "frank" can "View Group" created by him
    And "frank" cannot "View Group" groups he belongs to
    And "bob" can "View Group" groups he belongs to
    And "bob" cannot "View Group" of all groups
    And "carol" can "View Group" of all groups

  Scenario: Update Group and Delete Group at each level
    Then "bob" can "Update Group" of his group
    And "bob" cannot "Update Group" of all groups
    And "bob" cannot "Delete Group" at any level
    And "heidi" can "Update Group" of all groups
    And "heidi" can "Delete Group" of all groups

  Scenario Outline: "<permission>" granted at the <level> level
    When a role "probe" titled "Probe" is created with these permissions:
      | permission   | level   |
      | <permission> | <level> |
    Then the access is:
      | role  | <permission> |
      | Probe | <level>      |

    Examples:
      | permission           | level |
      | Update Group         | own   |
      | Delete Group         | own   |
      | Delete Group         | group |
      | Update User          | group |
      | Deactivate User      | own   |
      | Delete (CRM Modules) | group |

  Scenario: CRM records: only own records, or group members' records, or all records
    Then "alice" can "View" "CRM Modules" her own records
    And "alice" cannot "View" "CRM Modules" records of group members
    And "bob" can "View" "CRM Modules" records of group members
    And "bob" cannot "View" "CRM Modules" records of everyone
    And "carol" can "View" "CRM Modules" records of everyone
    And "ivan" can "Update" "CRM Modules" group members' records
    And "alice" can "Delete" "CRM Modules" her own records
    And "alice" cannot "Delete" "CRM Modules" records of her group
    And "erin" can "Delete" "CRM Modules" all records

  Scenario: A grant at a level includes every narrower level
    Then the role "Team Lead" can "View" "CRM Modules" at group
    And the role "Team Lead" can "View" "CRM Modules" at own
    And the role "Auditor" can "records:view" at the own level
    And the role "Auditor" can "records:view" at the group level

  Scenario: Audit Logs: only own audit logs, or audit logs of group members, or all audit logs
    Then "frank" can "Audit Logs" his own audit logs
    And "frank" cannot "Audit Logs" of group members
    And "bob" can "Audit Logs" of group members
    And "bob" cannot "Audit Logs" of everyone
    And "carol" can "Audit Logs" of everyone

  Scenario: Active Session: only own active sessions, or sessions of group members, or all sessions
    Then "frank" can "Active Session" his own sessions
    And "frank" cannot "Active Session" sessions of group members
    And "bob" can "Active Session" sessions of group members
    And "bob" cannot "Active Session" all sessions
    And "heidi" can "Active Session" all sessions

  Scenario: Users: only own profile and created profiles, or group members, or all users
    Then "frank" can "View Users" his own profile
    And "frank" cannot "View Users" of group members
    And "bob" can "View Users" of group members
    And "carol" can "View Users" of all users
    And "frank" can "Update User" his own profile
    And "frank" cannot "Update User" of group members
    And "heidi" can "Update User" of all users
    And "bob" can "Deactivate User" group members
    And "bob" cannot "Deactivate User" of all users
    And "heidi" can "Deactivate User" of all users
