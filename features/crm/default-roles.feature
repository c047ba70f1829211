# Source: docs/sources/uniconnect-role-management.txt, "Roles in Uniconnect" and "Creating Role".
Feature: Default roles of Uniconnect
  "By default, the system includes System Owner and User roles. These default roles can be
  used as a foundation to create additional roles and build your organization's role hierarchy."

  Background:
    Given the policy set "crm"

  Scenario: The system includes the System Owner and User roles
    Then the set has the roles "System Owner" and "User"
    And the owner role is "System Owner"
    And the default role is "User"

  Scenario: Users with the System Owner role have access to all data in the system
    Then the role "System Owner" has every permission
    And "erin" has every permission
    And "erin" can "View" "CRM Modules" records of everyone
    And "erin" can "Delete" "CRM Modules" records at all

  Scenario: A user who was assigned no role gets the User role
    Given a user "newcomer" with no role
    Then "newcomer" has the role "User"
    And "frank" has the role "User"
    And "frank" can do everything the role "User" can
    And "newcomer" can do everything "frank" can

  Scenario: The User role is a least-privilege baseline: nothing beyond the own level
    Then the role "User" has exactly these permissions:
      | permission           | level |
      | View (CRM Modules)   | own   |
      | Update (CRM Modules) | own   |
      | View Group           | own   |
      | View Users           | own   |
      | Update User          | own   |
      | Change User Role     | own   |
      | Audit Logs           | own   |
      | Active Session       | own   |
      | Enable Personal 2FA  |       |
      | Send E-mail          |       |
      | View Sent Email      |       |
      | Send SMS             |       |
      | View Sent SMS        |       |
    And "frank" cannot "Create" "CRM Modules" records
    And "frank" cannot "Role Configuration"
    And "frank" cannot "View" "CRM Modules" records of his group

  Scenario Outline: The default roles are the foundation of the role hierarchy: <role> builds on User
    Then the role "<role>" can do everything the role "User" can

    Examples:
      | role              |
      | Sales Agent       |
      | Team Lead         |
      | Marketing Manager |
      | Support Agent     |
      | Workflow Admin    |
      | CRM Admin         |

  Scenario: Roles further down the hierarchy build on the roles above them
    Then the role "Team Lead" can do everything the role "Sales Agent" can
    And the role "CRM Admin" can do everything the role "Workflow Admin" can

  Scenario: The Auditor stays read-only: it does not build on User
    Then "carol" cannot "Send E-mail"
    And "carol" cannot "Update" "CRM Modules" records of her own
    And "carol" cannot "Update User" at any level for herself
    But "carol" can "View" "CRM Modules" records of everyone
