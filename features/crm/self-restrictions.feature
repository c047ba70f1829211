# Source: docs/sources/uniconnect-role-management.txt, the Users rows of the Permissions table.
Feature: Permissions that never apply to the user themselves
  "Update User: Update only own profile and created users (cannot change own role) …"
  "Deactivate User: Deactivate only created users, or group members, or all users except own
  account depending on access level"

  Background:
    Given the policy set "crm"

  Scenario: A user can update their own profile but never change their own role
    Then "frank" can "Update User" at any level for himself
    And "frank" can "Change User Role" of his own
    But "frank" cannot "Change User Role" at any level for himself
    And "heidi" can "Change User Role" of all users
    But "heidi" cannot "Change User Role" at any level for herself
    And "frank" cannot change his own role

  Scenario: Deactivate User covers all users except the user's own account
    Then "heidi" can "Deactivate User" at all
    But "heidi" cannot "Deactivate User" at any level for herself
    And "bob" can "Deactivate User" of group members
    But "bob" cannot "Deactivate User" at any level on his own account
    And the user "bob" cannot deactivate his own account

  Scenario: Not even the System Owner can deactivate their own account or change their own role
    Then "erin" can "Deactivate User" of everyone
    But "erin" cannot "Deactivate User" at any level for herself
    And "erin" cannot "Change User Role" at any level for herself
    And "erin" can "Update User" for herself
    And the access is:
      | user  | Deactivate User | Deactivate User for themselves | Change User Role for themselves |
      | erin  | all             | no                             | no                              |
      | heidi | all             | no                             | no                              |
