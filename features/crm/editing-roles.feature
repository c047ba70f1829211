# Source: docs/sources/uniconnect-role-management.txt, "Editing Role".
Feature: Editing a role
  "While editing a role, you can: Rename the role; Change Permission. When a role name is
  changed, all related data sharing rules are automatically updated. This means you do not
  need to manually modify data sharing rules or user details."

  Background:
    Given the policy set "crm"

  Scenario: Renaming a role changes no one's access and no user details
    When the role "Team Lead" is renamed to "Group Lead"
    Then every user keeps the same access
    And "bob" has the role "Group Lead"
    And "mallory" has the roles "Group Lead" and "Auditor"
    And the role "Group Lead" can "View" "CRM Modules" records of group members

  Scenario: Renaming a role's key keeps its users, its number and its access
    When the role "team-lead" is renamed to the key "group-lead"
    Then every user keeps the same access
    And "bob" has the role "group-lead"
    And the old key "team-lead" still refers to the role "Team Lead"
    And the role "group-lead" has the same access as the role "team-lead" had

  Scenario: Changing a permission of a role changes the access of its users, and of roles built on it
    Then "alice" cannot "View" "CRM Modules" records of her group
    When the role "Sales Agent" is granted "View" "CRM Modules" of her group
    Then "alice" can "View" "CRM Modules" records of her group
    And "grace" can "View" "CRM Modules" records of her group
    And the role "Team Lead" can "View" "CRM Modules" records of group members
    But "frank" cannot "View" "CRM Modules" records of his group

  Scenario: Removing a permission from a role
    Then "bob" can "Download Call Recordings"
    When the role "Team Lead" no longer grants "Download Call Recordings"
    Then "bob" cannot "Download Call Recordings"
    And "bob" can "Listen Call Recordings"
